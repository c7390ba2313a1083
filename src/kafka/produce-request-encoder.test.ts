import { createRequire } from 'node:module'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { crc32c } from './crc32c.ts'
import {
  type KafkaJsProduceArgs,
  type ProduceRequestFactory,
  frameRequest,
  groupMessagesPerPartition,
  kafkajsProduceRequest,
  withFastEncoding,
} from './kafkajs-speedups.ts'
import {
  encodeProduceRequest,
  type ProduceMessage,
  type ProduceTopicData,
} from './produce-request-encoder.ts'

const require = createRequire(import.meta.url)
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number

/** The request as kafkajs's producer asks for it: kafkajs's own bytes and the fast encoder's. */
async function bothEncodings(fields: {
  transactionalId: string | null
  producerId: bigint
  producerEpoch: number
  topicData: readonly ProduceTopicData[]
}): Promise<{ kafkajs: Buffer; fast: Buffer }> {
  const args: KafkaJsProduceArgs = {
    acks: -1,
    timeout: 30000,
    transactionalId: fields.transactionalId,
    // As kafkajs's eosManager passes it: InitProducerId's id, decoded to a decimal string.
    producerId: fields.producerId.toString(),
    producerEpoch: fields.producerEpoch,
    compression: 0,
    topicData: fields.topicData,
  }
  const bytes = async (factory: ProduceRequestFactory) => {
    const encoded = await factory(args).encode()
    return encoded.buf.subarray(0, encoded.offset)
  }
  const own = kafkajsProduceRequest()
  return { kafkajs: await bytes(own), fast: await bytes(withFastEncoding(own)) }
}

function messages(count: number, seed: number): ProduceMessage[] {
  const out: ProduceMessage[] = []
  for (let i = 0; i < count; i++) {
    const n = (i * 7919 + seed) % 1000
    out.push({
      key: n % 3 === 0 ? null : n % 3 === 1 ? Buffer.from(`key-${n}`) : `clé-${n}`,
      value: n % 11 === 0 ? null : Buffer.from(JSON.stringify({ n, text: 'x'.repeat(n % 300), é: 'ü' })),
      timestamp: String(1_763_950_000_000 + ((n * 37) % 100_000) - 50_000),
      ...(n % 5 === 0 ? { headers: { a: Buffer.from('1'), many: [Buffer.from('x'), 'y'], empty: '' } } : {}),
    })
  }
  return out
}

describe('encodeProduceRequest', () => {
  afterEach(() => void vi.useRealTimers())

  it('writes the bytes kafkajs writes: transactional, several topics and partitions', async () => {
    const fields = {
      transactionalId: 'dip-ksql-x-bridge',
      producerId: 4242n,
      producerEpoch: 3,
      topicData: [
        {
          topic: 'T_ONE',
          partitions: [
            { partition: 0, firstSequence: 17, messages: messages(300, 1) },
            { partition: 2, firstSequence: 0, messages: messages(1, 2) },
          ],
        },
        {
          topic: 'tëst',
          partitions: [{ partition: 1, firstSequence: 2_000_000, messages: messages(40, 3) }],
        },
      ],
    }
    const { kafkajs, fast } = await bothEncodings(fields)
    expect(fast).toEqual(kafkajs)
    expect(encodeProduceRequest({ ...fields, acks: -1, timeout: 30000 })).toEqual(kafkajs)
  })

  it('writes the bytes kafkajs writes: idempotent, no timestamps (the time of encoding)', async () => {
    vi.useFakeTimers({ now: 1_763_950_123_456 })
    const plain = messages(50, 9).map(({ key, value }) => ({ key, value }))
    const fields = {
      transactionalId: null,
      producerId: 7n,
      producerEpoch: 0,
      topicData: [{ topic: 'raw', partitions: [{ partition: 0, messages: plain }] }],
    }
    const { kafkajs, fast } = await bothEncodings(fields)
    expect(fast).toEqual(kafkajs)
  })
})

describe('crc32c', () => {
  it('matches kafkajs at every length and offset', () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff))
    for (let start = 0; start < 9; start++)
      for (let end = start; end <= bytes.length; end += 13)
        expect(crc32c(bytes, start, end)).toBe(kafkajsCrc32c(bytes.subarray(start, end)))
  })

  it('gives the check value of CRC-32C', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
  })
})

describe('frameRequest', () => {
  it('frames a request as kafkajs does', async () => {
    const kafkajsOwn = require('kafkajs/src/protocol/request.js') as typeof frameRequest
    const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => {
      writeBytes(b: Buffer): unknown
      buffer: Buffer
    }
    const body = new Encoder()
    body.writeBytes(Buffer.from('a body of some bytes: ü'))
    for (const clientId of ['dip-ksql', 'clïent', null]) {
      const args = {
        correlationId: 123456,
        clientId,
        request: { apiKey: 0, apiVersion: 7, encode: async () => body },
      }
      expect((await frameRequest(args)).buffer).toEqual((await kafkajsOwn(args)).buffer)
    }
  })
})

describe('groupMessagesPerPartition', () => {
  it('groups as kafkajs does', () => {
    const kafkajsOwn =
      require('kafkajs/src/producer/groupMessagesPerPartition.js') as typeof groupMessagesPerPartition
    const messages = Array.from({ length: 200 }, (_, i) => ({ id: i, partition: (i * 7) % 5 }))
    const args = {
      topic: 't',
      partitionMetadata: [0, 1, 2, 3, 4],
      messages,
      partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    }
    expect(groupMessagesPerPartition(args)).toEqual(kafkajsOwn(args))
    expect(Object.keys(groupMessagesPerPartition(args))).toEqual(Object.keys(kafkajsOwn(args)))
    expect(groupMessagesPerPartition({ ...args, partitionMetadata: [] })).toEqual({})
  })
})
