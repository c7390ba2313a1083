import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseMysqlServer, resolveMysqlBinaries } from './mysql-server-choice.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-server-choice-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

async function executable(path: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, '#!/bin/sh\n')
  await chmod(path, 0o755)
  return path
}

describe('parseMysqlServer', () => {
  it('reads bundled, system, and paths relative to the config file', () => {
    expect(parseMysqlServer('bundled', '/p')).toEqual({ kind: 'bundled' })
    expect(parseMysqlServer('system', '/p')).toEqual({ kind: 'system' })
    expect(parseMysqlServer('opt/bin/mariadbd', '/p')).toEqual({ kind: 'path', path: '/p/opt/bin/mariadbd' })
  })
})

describe('resolveMysqlBinaries', () => {
  it('bundled and not downloaded yet: says how to fetch it', () => {
    expect(() => resolveMysqlBinaries({ kind: 'bundled' }, { DIP_CACHE_DIR: dir, PATH: '' })).toThrow(
      /not downloaded yet/,
    )
  })

  it('bundled after provisioning: the cached server with its basedir', async () => {
    const home = join(dir, 'mariadb-11.4.5-linux-x64')
    await executable(join(home, 'bin', 'mariadbd'))
    await executable(join(home, 'scripts', 'mariadb-install-db'))
    await writeFile(join(home, '.dip-complete.json'), '{}')
    const binaries = resolveMysqlBinaries({ kind: 'bundled' }, { DIP_CACHE_DIR: dir, PATH: '' })
    expect(binaries).toEqual({
      server: join(home, 'bin', 'mariadbd'),
      installDb: join(home, 'scripts', 'mariadb-install-db'),
      basedir: home,
      choice: 'bundled',
    })
  })

  it('a path: finds the install tool beside the server and uses its share/', async () => {
    const server = await executable(join(dir, 'maria', 'bin', 'mariadbd'))
    const installDb = await executable(join(dir, 'maria', 'scripts', 'mariadb-install-db'))
    await mkdir(join(dir, 'maria', 'share'))
    expect(resolveMysqlBinaries({ kind: 'path', path: server }, { PATH: '' })).toEqual({
      server,
      installDb,
      basedir: join(dir, 'maria'),
      choice: 'path',
    })
  })

  it('a path that is missing or not a server binary is a config error naming it', async () => {
    const missing = join(dir, 'nope', 'mariadbd')
    expect(() => resolveMysqlBinaries({ kind: 'path', path: missing }, { PATH: '' })).toThrow(
      `mysql.server: ${missing} does not exist.`,
    )
    const other = await executable(join(dir, 'bin', 'postgres'))
    expect(() => resolveMysqlBinaries({ kind: 'path', path: other }, { PATH: '' })).toThrow(
      /is not an executable mariadbd or mysqld/,
    )
  })
})
