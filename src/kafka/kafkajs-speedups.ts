import { createRequire, Module } from 'node:module'
import { DipError, errorMessage } from '../shared/errors.ts'
import { encodeProduceRequest, type ProduceTopicData } from './produce-request-encoder.ts'

/**
 * Three fixes to kafkajs (2.2.4, no longer maintained, no hooks for any), made in its CommonJS
 * module cache; each leaves the bytes on the wire as they were:
 *
 * - Uncompressed Produce requests are encoded by encodeProduceRequest: kafkajs's encoder (an
 *   Encoder, i.e. a zero-filled buffer and a copy, per record, header, varint and nesting level)
 *   was a third of the ksqlDB server's CPU. Produce v4 to v7 wrap v3 and are loaded on the first
 *   send, so replacing v3 works until a producer has sent something.
 * - kafkajs groups a send's messages by partition with `[...current, message]`: quadratic, a fifth
 *   of the server's CPU with thousands of small records per send. The linear replacement must be in
 *   the cache before kafkajs itself loads (its producer captures it then).
 * - kafkajs frames every request (size, api key, version, correlation id, client id) by copying its
 *   body twice into Encoders that grow from 512 bytes, zero-filling each: one exact-size buffer and
 *   one copy instead (before kafkajs loads, too).
 *
 * The CLI installs them once, first thing (src/cli/main.ts through src/app/create-deps.ts), so every
 * command's kafkajs has them; the engine-kafka bench's kafkajs pass-through baseline keeps kafkajs as
 * it is. When a fix cannot be made (kafkajs loaded before, or a kafkajs whose files differ from the
 * version they were written for) installing throws DIP_KAFKA_CLIENT_PATCH: a kafkajs without the
 * fixes would run, only slower, and nobody would know.
 */

const require = createRequire(import.meta.url)
const V3_REQUEST = 'kafkajs/src/protocol/requests/produce/v3/request.js'
const ENCODER = 'kafkajs/src/protocol/encoder.js'
const GROUP_BY_PARTITION = 'kafkajs/src/producer/groupMessagesPerPartition.js'
const SEND_MESSAGES = 'kafkajs/src/producer/sendMessages.js'
const REQUEST_FRAMING = 'kafkajs/src/protocol/request.js'
const CONNECTION = 'kafkajs/src/network/connection.js'

export interface KafkaJsProduceArgs {
  readonly acks: number
  readonly timeout: number
  readonly transactionalId?: string | null
  /** kafkajs's eosManager hands the id as InitProducerId decoded it: a decimal string (-1: none). */
  readonly producerId?: string | number | bigint | { readonly value: bigint }
  readonly producerEpoch?: number
  readonly compression?: number
  readonly topicData: readonly ProduceTopicData[]
}

interface KafkaJsRequest {
  readonly apiVersion: number
  encode(): Promise<{ buf: Buffer; offset: number }>
}

export type ProduceRequestFactory = (args: KafkaJsProduceArgs) => KafkaJsRequest

let kafkajsProduce: ProduceRequestFactory | undefined

/** The kafkajs release whose module files the fixes replace (produce-request-encoder.test.ts compares bytes). */
export const KAFKAJS_PATCHED_VERSION = '2.2.4'

/** The fixes, each installed or the reason it could not be. */
type Outcome = true | string

let installed = false

/** Installs the three fixes; a second call does nothing. Throws DIP_KAFKA_CLIENT_PATCH when one cannot be made. */
export function installKafkajsSpeedups(): void {
  if (installed) return
  const outcomes: Record<string, Outcome> = {
    'linear grouping': attempt(installLinearGrouping),
    'request framing': attempt(installRequestFraming),
    'produce encoder': attempt(installProduceEncoder),
  }
  const failed = Object.entries(outcomes).filter(([, outcome]) => outcome !== true)
  if (failed.length > 0) {
    const version = kafkajsVersion()
    throw new DipError(
      'DIP_KAFKA_CLIENT_PATCH',
      `kafkajs ${version}: the client fixes could not be installed (${failed.map(([fix, reason]) => `${fix}: ${String(reason)}`).join('; ')}).`,
      {
        hint:
          version === KAFKAJS_PATCHED_VERSION
            ? 'kafkajs must not load before the fixes: install them first (src/app/create-deps.ts, installKafkaClient)'
            : `the fixes are written for kafkajs ${KAFKAJS_PATCHED_VERSION}: install that version (npm ci), or port src/kafka/kafkajs-speedups.ts`,
        details: { kafkajsVersion: version, patchedVersion: KAFKAJS_PATCHED_VERSION },
      },
    )
  }
  installed = true
}

function attempt(install: () => Outcome): Outcome {
  try {
    return install()
  } catch (error) {
    return errorMessage(error)
  }
}

/** The installed kafkajs's version, read from its package.json without loading kafkajs. */
export function kafkajsVersion(): string {
  try {
    return (require('kafkajs/package.json') as { version?: string }).version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/** kafkajs's own Produce v3 request, for tests comparing bytes (loads it if needed). */
export function kafkajsProduceRequest(): ProduceRequestFactory {
  return kafkajsProduce ?? (require(V3_REQUEST) as ProduceRequestFactory)
}

function installProduceEncoder(): Outcome {
  const path = require.resolve(V3_REQUEST)
  // v4 to v7 already hold kafkajs's v3 once a producer has sent something.
  if (require.cache[require.resolve(V3_REQUEST.replace('/v3/', '/v4/'))] !== undefined)
    return 'kafkajs loaded its Produce v4 request before the fix'
  const own = require(path) as ProduceRequestFactory
  const cached = require.cache[path]
  if (cached === undefined) return `${V3_REQUEST} is not in the module cache after loading it`
  kafkajsProduce = own
  cached.exports = withFastEncoding(own)
  return true
}

function toBigInt(id: KafkaJsProduceArgs['producerId']): bigint {
  if (id === undefined) return -1n
  return typeof id === 'object' ? id.value : BigInt(id)
}

/** kafkajs's Produce request factory, encoding uncompressed requests with encodeProduceRequest. */
export function withFastEncoding(own: ProduceRequestFactory): ProduceRequestFactory {
  const Encoder = require(ENCODER) as new (initialSize?: number) => { buf: Buffer; offset: number }
  return (args) => {
    const request = own(args)
    if ((args.compression ?? 0) !== 0) return request
    return {
      ...request,
      encode: async () => {
        const bytes = encodeProduceRequest({
          transactionalId: args.transactionalId ?? null,
          acks: args.acks,
          timeout: args.timeout,
          producerId: toBigInt(args.producerId),
          producerEpoch: args.producerEpoch ?? 0,
          topicData: args.topicData,
        })
        // kafkajs's request framing reads `buf` and `offset` (its Encoder's fields): no copy here.
        const encoder = new Encoder(0)
        encoder.buf = bytes
        encoder.offset = bytes.length
        return encoder
      },
    }
  }
}

interface GroupArgs<M> {
  readonly topic: string
  readonly partitionMetadata: readonly unknown[]
  readonly messages: readonly M[]
  readonly partitioner: (args: { topic: string; partitionMetadata: readonly unknown[]; message: M }) => number
}

/** kafkajs's groupMessagesPerPartition, linear: partition → its messages in send order. */
export function groupMessagesPerPartition<M>({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: GroupArgs<M>): Record<number, M[]> {
  const result: Record<number, M[]> = {}
  if (partitionMetadata.length === 0) return result
  for (const message of messages)
    (result[partitioner({ topic, partitionMetadata, message })] ??= []).push(message)
  return result
}

interface FramingArgs {
  readonly correlationId: number
  readonly clientId: string | null
  readonly request: {
    readonly apiKey: number
    readonly apiVersion: number
    encode(): Promise<{ readonly buffer: Buffer }>
  }
}

/** kafkajs's protocol/request.js: a request's size and header, then its body, in one buffer. */
export async function frameRequest({
  correlationId,
  clientId,
  request,
}: FramingArgs): Promise<{ buffer: Buffer }> {
  const body = (await request.encode()).buffer
  const clientIdBytes = clientId === null ? 0 : Buffer.byteLength(clientId)
  const size = 2 + 2 + 4 + 2 + clientIdBytes + body.length
  const out = Buffer.allocUnsafe(4 + size)
  let at = out.writeInt32BE(size, 0)
  at = out.writeInt16BE(request.apiKey, at)
  at = out.writeInt16BE(request.apiVersion, at)
  at = out.writeInt32BE(correlationId, at)
  at = out.writeInt16BE(clientId === null ? -1 : clientIdBytes, at)
  if (clientId !== null) at += out.write(clientId, at, clientIdBytes, 'utf8')
  body.copy(out, at)
  return { buffer: out }
}

function installLinearGrouping(): Outcome {
  return preload(GROUP_BY_PARTITION, SEND_MESSAGES, groupMessagesPerPartition)
}

function installRequestFraming(): Outcome {
  return preload(REQUEST_FRAMING, CONNECTION, frameRequest)
}

/** Puts `exports` in the cache as module `target`, unless `target` or its user has loaded already. */
function preload(target: string, user: string, exports: unknown): Outcome {
  const path = require.resolve(target)
  if (require.cache[path] !== undefined || require.cache[require.resolve(user)] !== undefined)
    return `kafkajs loaded ${target.replace('kafkajs/src/', '')} before the fix`
  const module = new Module(path)
  module.filename = path
  module.loaded = true
  module.exports = exports
  require.cache[path] = module
  return true
}
