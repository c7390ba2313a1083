import type { ConsumedRecord } from '../kafka/ports.ts'
import {
  type DecodeError,
  type DecodeTarget,
  decodeRecord,
  isPlainObject,
  LINEAGE_COLUMNS,
  SCHEMALESS_KEY_COLUMN,
  tryParseJson,
} from './decode-record.ts'
import { scanJsonObject } from './json-object-scan.ts'

/**
 * One lake row as JSON text, either whole or as a value's own bytes between a head and a tail:
 * the spliced form is written to disk without ever being decoded to a string.
 */
export type LakeLine = string | SplicedLine

export interface SplicedLine {
  readonly head: string
  readonly body: Uint8Array
  readonly bodyStart: number
  readonly bodyEnd: number
  readonly tail: string
}

export type EncodedLine =
  | { readonly ok: true; readonly line: LakeLine; readonly deleted: boolean }
  | { readonly ok: false; readonly error: DecodeError }

const RESERVED_WITHOUT_KEY = LINEAGE_COLUMNS.map((name) => Buffer.from(name))
const RESERVED_WITH_KEY = [...RESERVED_WITHOUT_KEY, Buffer.from(SCHEMALESS_KEY_COLUMN)]

/**
 * decodeRecord() serialized as one JSON line (the lake's row). For a record read without a schema
 * whose value is a JSON object, the line is spliced from the value's own bytes: one scan proves
 * them valid (malformed records still go to the dead letters), and nothing is parsed, rebuilt or
 * re-encoded, which was most of the lake's CPU time. Anything the scan does not prove takes
 * decodeRecord, which decides and words the error.
 */
export function encodeRecordLine(record: ConsumedRecord, target: DecodeTarget): EncodedLine {
  if (target.schema === null && record.value !== null) {
    const span = scanJsonObject(record.value, record.key === null ? RESERVED_WITHOUT_KEY : RESERVED_WITH_KEY)
    const keyPart = span === null ? null : splicedKeyPart(record.key)
    if (span !== null && keyPart !== null) {
      const lineage =
        `"_topic":${JSON.stringify(record.topic)},"_partition":${record.partition},` +
        `"_offset":${record.offset},"_timestamp":${record.timestamp},"_deleted":false}`
      const empty = span.innerStart === span.innerEnd
      const line: SplicedLine = {
        head: `{${keyPart}`,
        body: record.value,
        bodyStart: span.innerStart,
        bodyEnd: span.innerEnd,
        tail: empty ? lineage : `,${lineage}`,
      }
      return { ok: true, line, deleted: false }
    }
  }
  const decoded = decodeRecord(record, target)
  return decoded.ok ? { ok: true, line: JSON.stringify(decoded.row), deleted: decoded.deleted } : decoded
}

/** The row's text, for tests and messages. */
export function lineText(line: LakeLine): string {
  if (typeof line === 'string') return line
  const body = Buffer.from(line.body.buffer, line.body.byteOffset, line.body.byteLength)
  return line.head + body.toString('utf8', line.bodyStart, line.bodyEnd) + line.tail
}

/** The row's length in UTF-16 units of its head and tail and bytes of its body, plus its line break. */
export function lineLength(line: LakeLine): number {
  if (typeof line === 'string') return line.length + 1
  return line.head.length + (line.bodyEnd - line.bodyStart) + line.tail.length + 1
}

/** Starts like no JSON value (a letter but t/f/n), then printable ASCII without `"` or `\`. */
const PLAIN_KEY = /^[A-Za-eg-mo-su-z][\x20-\x21\x23-\x5b\x5d-\x7e]*$/

/**
 * `"KEY":<json>,` for a schemaless key ('' without one), or null for a key that is a JSON object:
 * decodeRecord spreads such a key into columns, which splicing cannot.
 */
function splicedKeyPart(key: Buffer | null): string | null {
  if (key === null) return ''
  const text = key.toString('utf8')
  // The common key (`TXN-42`, `USER-7`): not JSON, and nothing to escape in its JSON string.
  if (PLAIN_KEY.test(text)) return `"${SCHEMALESS_KEY_COLUMN}":"${text}",`
  const parsed = tryParseJson(text)
  if (parsed.ok && isPlainObject(parsed.value)) return null
  return `"${SCHEMALESS_KEY_COLUMN}":${JSON.stringify(parsed.ok ? parsed.value : text)},`
}
