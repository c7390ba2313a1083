import { execFileSync, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const root = new URL('../..', import.meta.url)

/** Runs an ES module script in a fresh process (this one may have loaded kafkajs already). */
function runScript(script: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  })
}

describe('installKafkajsSpeedups', () => {
  it('takes effect in a process that has not loaded kafkajs yet (as every dip command)', () => {
    const out = runScript(`
      import { createRequire } from 'node:module'
      const speedups = await import('./src/kafka/kafkajs-speedups.ts')
      speedups.installKafkajsSpeedups()
      speedups.installKafkajsSpeedups()
      await import('./src/kafka/kafkajs-client.ts')
      const require = createRequire(import.meta.url)
      const grouping = require('kafkajs/src/producer/groupMessagesPerPartition.js')
      const framing = require('kafkajs/src/protocol/request.js')
      const v7 = require('kafkajs/src/protocol/requests/produce/v7/request.js')
      const request = v7({ acks: -1, timeout: 1, topicData: [] })
      console.log(JSON.stringify({
        grouping: grouping === speedups.groupMessagesPerPartition,
        framing: framing === speedups.frameRequest,
        v7: request.apiVersion,
        fastEncode: String(request.encode).includes('encodeProduceRequest'),
      }))`)
    expect(JSON.parse(out)).toEqual({ grouping: true, framing: true, v7: 7, fastEncode: true })
  })

  it('throws DIP_KAFKA_CLIENT_PATCH naming the kafkajs version when kafkajs loaded first', () => {
    const out = runScript(`
      await import('kafkajs')
      const { installKafkajsSpeedups } = await import('./src/kafka/kafkajs-speedups.ts')
      try {
        installKafkajsSpeedups()
        console.log(JSON.stringify({ threw: false }))
      } catch (error) {
        console.log(JSON.stringify({ threw: true, code: error.code, message: error.message, details: error.details }))
      }`)
    const result = JSON.parse(out) as { threw: boolean; code: string; message: string; details: object }
    expect(result.threw).toBe(true)
    expect(result.code).toBe('DIP_KAFKA_CLIENT_PATCH')
    expect(result.message).toMatch(/^kafkajs 2\.2\.4: the client fixes could not be installed/)
    expect(result.message).toMatch(/linear grouping: kafkajs loaded producer\/groupMessagesPerPartition\.js/)
    expect(result.details).toEqual({ kafkajsVersion: '2.2.4', patchedVersion: '2.2.4' })
  })

  it('stops the CLI with exit code 1 and the reason, before any command runs', () => {
    // A kafkajs loaded ahead of dip (here with --require) is what the fixes cannot work with.
    const run = spawnSync(
      process.execPath,
      ['--require', 'kafkajs', '--import', 'tsx', 'src/cli/main.ts', 'config', 'show'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    )
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/dip: kafkajs 2\.2\.4: the client fixes could not be installed/)
    expect(run.stdout).toBe('')
  })
})
