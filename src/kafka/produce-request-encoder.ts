import { crc32c } from './crc32c.ts'

/**
 * The body of an uncompressed Produce request (v3 to v7: the same bytes) with its RecordBatch v2
 * batches, written into one buffer sized up front: byte for byte what kafkajs's own encoder writes
 * (see produce-request-encoder.test.ts), without its Encoder per record, per header, per varint and
 * per nesting level (each a zero-filled allocation plus a copy). In the ksqlDB server's profiles
 * kafkajs's encoding was a third of the CPU: every engine output record goes through it.
 */

type Bytes = Buffer | string | null | undefined

/** A message as kafkajs hands it to its Produce request (after partitioning). */
export interface ProduceMessage {
  readonly key?: Bytes
  readonly value: Bytes
  /** kafkajs passes what the caller gave: dip passes milliseconds as a decimal string. */
  readonly timestamp?: string | number | null
  readonly headers?: Readonly<Record<string, Bytes | readonly Bytes[]>>
}

export interface ProducePartitionData {
  readonly partition: number
  readonly firstSequence?: number
  readonly messages: readonly ProduceMessage[]
}

export interface ProduceTopicData {
  readonly topic: string
  readonly partitions: readonly ProducePartitionData[]
}

export interface ProduceRequestFields {
  readonly transactionalId: string | null
  readonly acks: number
  readonly timeout: number
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly topicData: readonly ProduceTopicData[]
  /** For records without a timestamp (kafkajs: the time the request is encoded). */
  readonly now?: number
}

const MAGIC = 2
const TRANSACTIONAL_ATTRIBUTE = 16
/** attributes … firstSequence, then the record count. */
const BATCH_BODY_HEADER_BYTES = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4
/** baseOffset, batchLength, partitionLeaderEpoch, magic, crc. */
const BATCH_HEADER_BYTES = 8 + 4 + 4 + 1 + 4

export function encodeProduceRequest(fields: ProduceRequestFields): Buffer {
  const now = fields.now ?? Date.now()
  const plans = fields.topicData.map((topic) => ({
    topic,
    partitions: topic.partitions.map((partition) => planBatch(partition.messages, now)),
  }))
  let size = stringSize(fields.transactionalId) + 2 + 4 + 4
  for (const { topic, partitions } of plans) {
    size += stringSize(topic.topic) + 4
    for (const batch of partitions) size += 4 + 4 + BATCH_HEADER_BYTES + BATCH_BODY_HEADER_BYTES + batch.bytes
  }

  const out = new Writer(Buffer.allocUnsafe(size))
  out.string(fields.transactionalId)
  out.int16(fields.acks)
  out.int32(fields.timeout)
  out.int32(plans.length)
  for (const { topic, partitions } of plans) {
    out.string(topic.topic)
    out.int32(partitions.length)
    partitions.forEach((batch, p) => {
      const data = topic.partitions[p] as ProducePartitionData
      const batchLength = 4 + 1 + 4 + BATCH_BODY_HEADER_BYTES + batch.bytes
      out.int32(data.partition)
      out.int32(8 + 4 + batchLength)
      out.int64(0n) // base offset: the broker assigns offsets
      out.int32(batchLength)
      out.int32(0) // partition leader epoch
      out.int8(MAGIC)
      const crcAt = out.skip(4)
      const bodyAt = out.at
      out.int16(fields.transactionalId === null ? 0 : TRANSACTIONAL_ATTRIBUTE)
      out.int32(data.messages.length - 1) // last offset delta
      out.int64(BigInt(batch.firstTimestamp))
      out.int64(BigInt(batch.maxTimestamp))
      out.int64(fields.producerId)
      out.int16(fields.producerEpoch)
      out.int32(data.firstSequence ?? 0)
      out.int32(data.messages.length)
      writeRecords(out, data.messages, batch)
      out.buffer.writeUInt32BE(crc32c(out.buffer, bodyAt, out.at), crcAt)
    })
  }
  if (out.at !== size) throw new Error(`Produce request: wrote ${out.at} bytes, planned ${size}`)
  return out.buffer
}

interface BatchPlan {
  readonly firstTimestamp: number
  readonly maxTimestamp: number
  readonly now: number
  /** Each record's body size (after its length varint). */
  readonly bodySizes: Int32Array
  /** The records' bytes, length varints included. */
  readonly bytes: number
}

function planBatch(messages: readonly ProduceMessage[], now: number): BatchPlan {
  let first = Infinity
  let max = -Infinity
  for (const m of messages) {
    if (m.timestamp == null) continue
    const t = Number(m.timestamp)
    if (t < first) first = t
    if (t > max) max = t
  }
  if (first === Infinity) first = max = now
  const bodySizes = new Int32Array(messages.length)
  let bytes = 0
  messages.forEach((m, i) => {
    const body =
      1 +
      varLongSize(timestampOf(m, now) - first) +
      varIntSize(i) +
      bytesSize(m.key) +
      bytesSize(m.value) +
      headersSize(m.headers)
    bodySizes[i] = body
    bytes += varIntSize(body) + body
  })
  return { firstTimestamp: first, maxTimestamp: max, now, bodySizes, bytes }
}

function writeRecords(out: Writer, messages: readonly ProduceMessage[], batch: BatchPlan): void {
  messages.forEach((m, i) => {
    out.varInt(batch.bodySizes[i] as number)
    out.int8(0) // record attributes: none used
    out.varLong(timestampOf(m, batch.now) - batch.firstTimestamp)
    out.varInt(i) // offset delta
    out.varBytes(m.key)
    out.varBytes(m.value)
    const headers = headerList(m.headers)
    out.varInt(headers.length)
    for (const [name, value] of headers) {
      out.varBytes(name)
      out.varBytes(value)
    }
  })
}

// kafkajs: `message.timestamp || Date.now()`.
function timestampOf(m: ProduceMessage, now: number): number {
  return m.timestamp == null || m.timestamp === 0 || m.timestamp === '' ? now : Number(m.timestamp)
}

const NO_HEADERS: readonly (readonly [string, Bytes])[] = []

/** kafkajs: one header per value of an array-valued header. */
function headerList(headers: ProduceMessage['headers']): readonly (readonly [string, Bytes])[] {
  if (headers === undefined) return NO_HEADERS
  const list: [string, Bytes][] = []
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (Array.isArray(value)) for (const v of value as readonly Bytes[]) list.push([name, v])
    else list.push([name, value as Bytes])
  }
  return list
}

function headersSize(headers: ProduceMessage['headers']): number {
  const list = headerList(headers)
  let size = varIntSize(list.length)
  for (const [name, value] of list) size += bytesSize(name) + bytesSize(value)
  return size
}

function byteLength(value: Buffer | string): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length
}

function bytesSize(value: Bytes): number {
  if (value == null) return 1 // varint -1
  const length = byteLength(value)
  return varIntSize(length) + length
}

function stringSize(value: string | null): number {
  return 2 + (value === null ? 0 : Buffer.byteLength(value))
}

function zigZag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0
}

/** Zigzag of a safe integer, as a (non-negative) number: doubles hold it exactly below 2^53. */
function zigZag64(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1
}

function varIntSize(value: number): number {
  let v = zigZag32(value)
  let size = 1
  while (v >= 0x80) {
    v >>>= 7
    size++
  }
  return size
}

function varLongSize(value: number): number {
  let v = zigZag64(value)
  let size = 1
  while (v >= 0x80) {
    v = Math.floor(v / 128)
    size++
  }
  return size
}

/** A cursor over a buffer sized exactly for what is written. */
class Writer {
  at = 0
  readonly buffer: Buffer
  constructor(buffer: Buffer) {
    this.buffer = buffer
  }

  skip(bytes: number): number {
    const at = this.at
    this.at += bytes
    return at
  }
  int8(value: number): void {
    this.buffer[this.at++] = value & 0xff
  }
  int16(value: number): void {
    this.at = this.buffer.writeInt16BE(value, this.at)
  }
  int32(value: number): void {
    this.at = this.buffer.writeInt32BE(value, this.at)
  }
  int64(value: bigint): void {
    this.at = this.buffer.writeBigInt64BE(BigInt.asIntN(64, value), this.at)
  }
  string(value: string | null): void {
    if (value === null) return this.int16(-1)
    const length = Buffer.byteLength(value)
    this.int16(length)
    this.at += this.buffer.write(value, this.at, length, 'utf8')
  }
  varInt(value: number): void {
    let v = zigZag32(value)
    while (v >= 0x80) {
      this.buffer[this.at++] = (v & 0x7f) | 0x80
      v >>>= 7
    }
    this.buffer[this.at++] = v
  }
  varLong(value: number): void {
    let v = zigZag64(value)
    while (v >= 0x80) {
      this.buffer[this.at++] = (v % 128) | 0x80
      v = Math.floor(v / 128)
    }
    this.buffer[this.at++] = v
  }
  varBytes(value: Bytes): void {
    if (value == null) return this.varInt(-1)
    if (typeof value === 'string') {
      const length = Buffer.byteLength(value)
      this.varInt(length)
      this.at += this.buffer.write(value, this.at, length, 'utf8')
    } else {
      this.varInt(value.length)
      this.at += value.copy(this.buffer, this.at)
    }
  }
}
