import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isDipError } from '../../shared/errors.ts'
import { checkKafkaDataDir } from './kafka-native.ts'
import { checkMysqlDataDir } from './mariadb-native.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-datadir-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

function errorOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

describe('checkKafkaDataDir', () => {
  it('is empty when missing or empty, formatted with a meta.properties of node 1', async () => {
    expect(checkKafkaDataDir(join(dir, 'missing'))).toBe('empty')
    await writeFile(join(dir, 'meta.properties'), 'version=1\ncluster.id=AbCdEfGhIjKlMnOpQrStUv\nnode.id=1\n')
    expect(checkKafkaDataDir(dir)).toBe('formatted')
  })

  it('names the path and the fix when meta.properties is missing', async () => {
    await mkdir(join(dir, 'orders-0'))
    const error = errorOf(() => checkKafkaDataDir(dir))
    expect(isDipError(error) && error.code).toBe('DIP_DATA_DIR')
    expect(String(error)).toContain(`The Kafka data dir ${dir} is not usable: meta.properties is missing`)
    expect(isDipError(error) && error.hint).toContain('dip down --purge')
  })
})

describe('checkMysqlDataDir', () => {
  it('is initialized once the system tables exist', async () => {
    expect(checkMysqlDataDir(dir)).toBe('empty')
    await mkdir(join(dir, 'mysql'))
    await writeFile(join(dir, 'mysql', 'user.frm'), '')
    expect(checkMysqlDataDir(dir)).toBe('initialized')
  })

  it('reports a non-empty dir without system tables as corrupt', async () => {
    await writeFile(join(dir, 'ibdata1'), 'x')
    const error = errorOf(() => checkMysqlDataDir(dir))
    expect(isDipError(error) && error.code).toBe('DIP_DATA_DIR')
    expect(String(error)).toContain(dir)
  })
})
