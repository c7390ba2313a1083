import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../config/load-config.ts'
import { createFakeRunner } from '../command-runner.ts'
import { checkNode, parseJavaMajor, runChecks } from './checks.ts'

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['java version "21" 2023-09-19', 21],
    ['java version "1.8.0_392"', 8],
    ['no java here', undefined],
  ])('reads %s as %s', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major)
  })
})

describe('checkNode', () => {
  it('accepts 20.19 and newer, and names the fix for older versions', () => {
    expect(checkNode('v20.19.0').status).toBe('ok')
    expect(checkNode('v22.1.0').status).toBe('ok')
    const old = checkNode('v20.11.1')
    expect(old.status).toBe('fail')
    expect(old.fix).toMatch(/20\.19/)
  })
})

describe('runChecks with a scripted machine', () => {
  it('fails an old Java and a missing Maven, each with a fix', async () => {
    const runner = createFakeRunner((call) => {
      if (call.args[0] === '-version') return { stderr: 'openjdk version "11.0.2" 2019-01-15' }
      if (call.command === 'mvn') return { exitCode: 127, notFound: true }
      if (call.command === 'docker') return { exitCode: 1 }
      return undefined
    })
    const checks = await runChecks(loadConfig({ cwd: '/nonexistent-dir-for-dip', env: {} }), {
      runner,
      env: { PATH: '', DIP_CACHE_DIR: '/nonexistent-dir-for-dip/cache' },
      nodeVersion: 'v20.19.0',
    })
    const byName = Object.fromEntries(checks.map((check) => [check.name, check]))
    expect(byName['java']).toMatchObject({ status: 'fail' })
    expect(byName['java']?.detail).toContain('need 17+')
    expect(byName['java']?.fix).toMatch(/JDK 17/)
    expect(byName['maven']).toMatchObject({ status: 'fail' })
    expect(byName['maven']?.fix).toMatch(/apt-get install maven/)
    expect(byName['docker']).toMatchObject({ status: 'warn' })
    expect(byName['node']).toMatchObject({ status: 'ok' })
    // A bare machine needs no MySQL server: the bundled one is fetched by the first `dip up`.
    expect(byName['mysql server']).toMatchObject({ status: 'warn' })
    expect(byName['mysql server']?.detail).toMatch(/bundled MariaDB 11\.4\.5 not downloaded yet/)
    expect(byName['mysql server']?.fix).toMatch(/dip up/)
  })

  it('needs no Maven once Kafka is cached, and no system server with mysql.server: bundled', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'dip-doctor-'))
    try {
      await mkdir(join(cache, 'kafka-4.3.1', 'libs'), { recursive: true })
      for (const file of ['.dip-complete.json', 'libs/kafka_2.13-4.3.1.jar', 'libs/kafka-tools-4.3.1.jar'])
        await writeFile(join(cache, 'kafka-4.3.1', file), '{}')
      const runner = createFakeRunner((call) => {
        if (call.args[0] === '-version') return { stderr: 'openjdk version "17.0.15" 2025-04-15' }
        if (call.command === 'mvn') return { exitCode: 127, notFound: true }
        return { exitCode: 1 }
      })
      const checks = await runChecks(loadConfig({ cwd: '/nonexistent-dir-for-dip', env: {} }), {
        runner,
        env: { PATH: '', DIP_CACHE_DIR: cache },
        nodeVersion: 'v20.19.0',
      })
      const byName = Object.fromEntries(checks.map((check) => [check.name, check]))
      expect(byName['maven']).toMatchObject({ status: 'ok' })
      expect(byName['maven']?.detail).toMatch(/not needed, Kafka is already cached/)
      const failed = checks.filter((check) => check.status === 'fail' && !check.name.startsWith('port'))
      expect(failed.map((check) => check.name)).toEqual([])
      expect(byName['disk']?.detail).toMatch(/MB free in .*the first run needs 520 MB/)
    } finally {
      await rm(cache, { recursive: true, force: true })
    }
  })
})
