import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isDipError } from '../../shared/errors.ts'
import { createFakeRunner } from '../command-runner.ts'
import { cacheDir } from './cache-dir.ts'
import { renderKafkaPom } from './kafka-pom.ts'
import { findProvisionedKafka, provisionKafka } from './kafka-provision.ts'

let dir: string
let env: Record<string, string>
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-provision-'))
  env = { DIP_CACHE_DIR: dir }
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('cacheDir', () => {
  it('honours DIP_CACHE_DIR, then XDG_CACHE_HOME', () => {
    expect(cacheDir({ DIP_CACHE_DIR: '/x/y' })).toBe('/x/y')
    expect(cacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/dip')
  })
})

describe('renderKafkaPom', () => {
  it('asks for the broker, the tools and a log4j2 binding of the pinned version', () => {
    const pom = renderKafkaPom('4.3.1')
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>4.3.1</version>')
    expect(pom).toContain('<artifactId>kafka-tools</artifactId><version>4.3.1</version>')
    expect(pom).toContain('<artifactId>log4j-slf4j-impl</artifactId>')
  })
})

describe('provisionKafka', () => {
  it('runs mvn copy-dependencies once, then reuses the completed cache without calling mvn', async () => {
    const runner = createFakeRunner((call) => {
      const out = call.args
        .find((arg) => arg.startsWith('-DoutputDirectory='))
        ?.slice('-DoutputDirectory='.length)
      return out === undefined ? { exitCode: 1 } : undefined
    })
    // Materialise the jars the way mvn would, right when it is called.
    const run = runner.run.bind(runner)
    runner.run = async (command, args, options) => {
      const out = args.find((arg) => arg.startsWith('-DoutputDirectory='))?.slice('-DoutputDirectory='.length)
      if (out !== undefined) {
        await mkdir(out, { recursive: true })
        for (const name of ['kafka_2.13-9.9.9.jar', 'kafka-tools-9.9.9.jar', 'log4j-core-2.24.3.jar'])
          await writeFile(join(out, name), '')
      }
      return run(command, args, options)
    }

    expect(findProvisionedKafka('9.9.9', env)).toBeUndefined()
    const first = await provisionKafka({ version: '9.9.9', runner, env })
    expect(first.downloaded).toBe(true)
    expect(first.jarCount).toBe(3)
    expect(first.libsDir).toBe(join(dir, 'kafka-9.9.9', 'libs'))
    expect(runner.calls).toHaveLength(1)
    expect(runner.calls[0]?.command).toBe('mvn')
    expect(runner.calls[0]?.args).toContain('dependency:copy-dependencies')
    expect(await readFile(join(dir, 'kafka-9.9.9', 'pom.xml'), 'utf8')).toContain('<version>9.9.9</version>')

    const second = await provisionKafka({ version: '9.9.9', runner, env })
    expect(second.downloaded).toBe(false)
    expect(runner.calls).toHaveLength(1)
    expect(findProvisionedKafka('9.9.9', env)?.classpath).toBe(`${join(dir, 'kafka-9.9.9', 'libs')}/*`)
  })

  it('names the missing artifact and the fix when the version is not published', async () => {
    const runner = createFakeRunner(() => ({
      exitCode: 1,
      stdout: '[ERROR] Could not find artifact org.apache.kafka:kafka-tools:jar:9.9.8 in central',
    }))
    const error: unknown = await provisionKafka({ version: '9.9.8', runner, env }).catch((e: unknown) => e)
    expect(isDipError(error) && error.code).toBe('DIP_PREREQUISITE')
    expect(String(error)).toContain('org.apache.kafka:kafka-tools:jar:9.9.8')
    expect(isDipError(error) && error.hint).toMatch(/kafka\.version/)
    expect(findProvisionedKafka('9.9.8', env)).toBeUndefined()
  })

  it('says mvn is missing when it cannot be started', async () => {
    const runner = createFakeRunner(() => ({ exitCode: 127, notFound: true }))
    const error: unknown = await provisionKafka({ version: '9.9.7', runner, env }).catch((e: unknown) => e)
    expect(String(error)).toMatch(/Maven \(mvn\) is not installed/)
  })
})
