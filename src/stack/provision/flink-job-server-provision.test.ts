import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isDipError } from '../../shared/errors.ts'
import { createFakeRunner } from '../command-runner.ts'
import {
  BEAM_VERSION,
  findProvisionedFlinkJobServer,
  provisionFlinkJobServer,
  renderFlinkJobServerPom,
} from './flink-job-server-provision.ts'

let dir: string
let env: Record<string, string>
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-flink-provision-'))
  env = { DIP_CACHE_DIR: dir }
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const outputDir = (args: readonly string[]) =>
  args.find((arg) => arg.startsWith('-DoutputDirectory='))?.slice('-DoutputDirectory='.length)

describe('renderFlinkJobServerPom', () => {
  it('asks for the Flink runner of the SDK’s Beam version and an slf4j binding', () => {
    const pom = renderFlinkJobServerPom()
    expect(pom).toContain(
      `<artifactId>beam-runners-flink-1.15</artifactId><version>${BEAM_VERSION}</version>`,
    )
    expect(pom).toContain('<artifactId>slf4j-simple</artifactId>')
  })
})

describe('provisionFlinkJobServer', () => {
  it('runs mvn copy-dependencies once, then reuses the completed cache without calling mvn', async () => {
    const runner = createFakeRunner(() => undefined)
    const run = runner.run.bind(runner)
    runner.run = async (command, args, options) => {
      const out = outputDir(args)
      if (out !== undefined) {
        await mkdir(out, { recursive: true })
        for (const name of [`beam-runners-flink-1.15-${BEAM_VERSION}.jar`, 'flink-runtime-1.15.0.jar'])
          await writeFile(join(out, name), '')
      }
      return run(command, args, options)
    }

    expect(findProvisionedFlinkJobServer(env)).toBeUndefined()
    const first = await provisionFlinkJobServer({ runner, env })
    expect(first.downloaded).toBe(true)
    expect(first.jarCount).toBe(2)
    expect(runner.calls).toHaveLength(1)
    expect(runner.calls[0]?.command).toBe('mvn')
    expect(findProvisionedFlinkJobServer(env)?.libsDir).toBe(first.libsDir)

    const second = await provisionFlinkJobServer({ runner, env })
    expect(second.downloaded).toBe(false)
    expect(runner.calls).toHaveLength(1)
  })

  it('says what is missing and how to fix it when mvn is not installed, leaving no complete-looking cache', async () => {
    const runner = createFakeRunner(() => ({ notFound: true }))
    let caught: unknown
    try {
      await provisionFlinkJobServer({ runner, env })
    } catch (error) {
      caught = error
    }
    expect(isDipError(caught) && caught.code).toBe('DIP_PREREQUISITE')
    expect(isDipError(caught) && caught.message).toMatch(/Maven \(mvn\) is not installed/)
    expect(isDipError(caught) && caught.hint).toMatch(/dip setup --with-flink/)
    expect(findProvisionedFlinkJobServer(env)).toBeUndefined()
  })

  it('reports mvn’s last lines when the download fails', async () => {
    const runner = createFakeRunner(() => ({
      exitCode: 1,
      stderr: 'Could not transfer artifact: network is down',
    }))
    await expect(provisionFlinkJobServer({ runner, env })).rejects.toThrow(/network is down/)
    expect(findProvisionedFlinkJobServer(env)).toBeUndefined()
  })
})
