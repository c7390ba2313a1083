import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

describe('installKafkajsSpeedups', () => {
  it('takes effect in a process that has not loaded kafkajs yet (as `dip ksql server`)', () => {
    // A fresh process: this one may have loaded kafkajs already.
    const script = `
      import { createRequire } from 'node:module'
      const speedups = await import('./src/kafka/kafkajs-speedups.ts')
      const installed = speedups.installKafkajsSpeedups()
      await import('./src/kafka/kafkajs-client.ts')
      const require = createRequire(import.meta.url)
      const grouping = require('kafkajs/src/producer/groupMessagesPerPartition.js')
      const framing = require('kafkajs/src/protocol/request.js')
      const v7 = require('kafkajs/src/protocol/requests/produce/v7/request.js')
      const request = v7({ acks: -1, timeout: 1, topicData: [] })
      console.log(JSON.stringify({
        installed,
        grouping: grouping === speedups.groupMessagesPerPartition,
        framing: framing === speedups.frameRequest,
        v7: request.apiVersion,
        fastEncode: String(request.encode).includes('encodeProduceRequest'),
      }))`
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url),
      encoding: 'utf8',
    })
    expect(JSON.parse(out)).toEqual({
      installed: { linearGrouping: true, requestFraming: true, produceEncoder: true },
      grouping: true,
      framing: true,
      v7: 7,
      fastEncode: true,
    })
  })
})
