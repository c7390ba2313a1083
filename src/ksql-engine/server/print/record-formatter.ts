import { isUtf8 } from 'node:buffer'
import { formatJavaDouble } from '../../types/java-format.ts'

/**
 * PRINT's record lines and format detection, as ksqlDB's RecordFormatter: every candidate format
 * that fails to read a key (value) seen so far is dropped for good; a record is shown with the first
 * candidate that reads it (else its bytes as Kafka's Bytes.toString() shows them), and the
 * "Key format:" / "Value format:" lines list the candidates left. Schema Registry formats (AVRO,
 * PROTOBUF, JSON_SR) never qualify here: there is no registry.
 */
type Reader = (bytes: Buffer) => string

interface Candidate {
  readonly name: string
  readonly read: Reader
}

export const NO_DATA_FORMAT = '¯\\_(ツ)_/¯ - no data processed'

class NotThisFormat extends Error {}
const reject = (): never => {
  throw new NotThisFormat()
}

function utf8Text(bytes: Buffer): string {
  if (bytes.length === 0 || !isUtf8(bytes)) reject()
  return bytes.toString('utf8')
}

const readers: readonly Candidate[] = [
  {
    name: 'JSON',
    read: (bytes) => {
      const text = utf8Text(bytes)
      try {
        JSON.parse(text)
      } catch {
        reject()
      }
      return text
    },
  },
  { name: 'KAFKA_INT', read: (b) => (b.length === 4 ? String(b.readInt32BE(0)) : reject()) },
  { name: 'KAFKA_BIGINT', read: (b) => (b.length === 8 ? b.readBigInt64BE(0).toString() : reject()) },
  { name: 'KAFKA_DOUBLE', read: (b) => (b.length === 8 ? formatJavaDouble(b.readDoubleBE(0)) : reject()) },
  { name: 'KAFKA_STRING', read: utf8Text },
]

/** Kafka's Bytes.toString(): printable ASCII as is, everything else (and `\`) as \xNN. */
export function kafkaBytesText(bytes: Buffer): string {
  let out = ''
  for (const b of bytes) {
    out +=
      b >= 0x20 && b <= 0x7e && b !== 0x5c
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Kafka Streams' windowed key layouts: key bytes, then end and start (session) or start (time). */
function sessionWindowed(inner: Candidate): Candidate {
  return {
    name: `SESSION(${inner.name})`,
    read: (b) => {
      if (b.length < 16) reject()
      const key = inner.read(b.subarray(0, b.length - 16))
      return `[${key}@${b.readBigInt64BE(b.length - 8).toString()}/${b.readBigInt64BE(b.length - 16).toString()}]`
    },
  }
}

function timeWindowed(kind: 'HOPPING' | 'TUMBLING', inner: Candidate): Candidate {
  return {
    name: `${kind}(${inner.name})`,
    read: (b) => {
      if (b.length < 8) reject()
      // The window end is not in the serialized key.
      return `[${inner.read(b.subarray(0, b.length - 8))}@${b.readBigInt64BE(b.length - 8).toString()}/-]`
    },
  }
}

class Detector {
  private candidates: Candidate[]
  private seenData = false

  constructor(windowed: boolean) {
    this.candidates = windowed
      ? readers.flatMap((c) => [
          sessionWindowed(c),
          timeWindowed('HOPPING', c),
          timeWindowed('TUMBLING', c),
          c,
        ])
      : [...readers]
  }

  possibleFormats(): string[] {
    return this.seenData ? this.candidates.map((c) => c.name) : [NO_DATA_FORMAT]
  }

  format(bytes: Buffer | null): string {
    if (bytes === null) return '<null>'
    this.seenData = true
    let first: string | null = null
    this.candidates = this.candidates.filter((c) => {
      try {
        const text = c.read(bytes)
        if (first === null) first = text
        return true
      } catch (error) {
        if (error instanceof NotThisFormat || error instanceof RangeError) return false
        throw error
      }
    })
    return first ?? kafkaBytesText(bytes)
  }
}

export interface PrintableRecord {
  readonly partition: number
  readonly timestamp: number
  readonly key: Buffer | null
  readonly value: Buffer | null
}

/** ksqlDB's rowtime text: `yyyy/MM/dd HH:mm:ss.SSS Z` in UTC, `N/A` for a record without timestamp. */
export function formatRowTime(timestamp: number): string {
  if (timestamp < 0) return 'N/A'
  const iso = new Date(timestamp).toISOString() // 2020-05-18T14:27:34.530Z
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 23)} Z`
}

export class RecordFormatter {
  private readonly keys = new Detector(true)
  private readonly values = new Detector(false)

  /**
   * Lines for a batch of records. When the batch rules out the format the batch started with, the
   * whole batch is shown again with the refined choice (ksqlDB does the same).
   */
  format(records: readonly PrintableRecord[]): string[] {
    const activeKey = this.keys.possibleFormats()[0]
    const activeValue = this.values.possibleFormats()[0]
    const lines = records.map((r) => this.line(r))
    const keyKept = this.keys.possibleFormats().some((f) => f === activeKey)
    const valueKept = this.values.possibleFormats().some((f) => f === activeValue)
    return keyKept && valueKept ? lines : records.map((r) => this.line(r))
  }

  possibleKeyFormats(): string[] {
    return this.keys.possibleFormats()
  }

  possibleValueFormats(): string[] {
    return this.values.possibleFormats()
  }

  private line(r: PrintableRecord): string {
    return `rowtime: ${formatRowTime(r.timestamp)}, key: ${this.keys.format(r.key)}, value: ${this.values.format(r.value)}, partition: ${r.partition}`
  }
}

/**
 * The "Key format:" / "Value format:" lines, printed before the batch whose records changed what is
 * known (and first of all). Returns the lines to print now.
 */
export class FormatsTracker {
  private keyFormats: string[] | null = null
  private valueFormats: string[] | null = null

  update(formatter: RecordFormatter): string[] {
    const lines: string[] = []
    const keys = formatter.possibleKeyFormats()
    const values = formatter.possibleValueFormats()
    if (this.keyFormats === null || this.keyFormats.join('\n') !== keys.join('\n')) {
      this.keyFormats = keys
      lines.push(formatsLine('Key format: ', keys))
    }
    if (this.valueFormats === null || this.valueFormats.join('\n') !== values.join('\n')) {
      this.valueFormats = values
      lines.push(formatsLine('Value format: ', values))
    }
    return lines
  }
}

function formatsLine(prefix: string, formats: readonly string[]): string {
  return formats.length === 0
    ? `${prefix} does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.`
    : `${prefix}${formats.join(' or ')}`
}
