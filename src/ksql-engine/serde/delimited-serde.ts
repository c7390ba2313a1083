import { assertNever } from '../../shared/assert-never.ts'
import { formatAsString, parseJavaDouble } from '../types/cast.ts'
import { Decimal, fitDecimal } from '../types/decimal.ts'
import { RecordError } from '../types/record-error.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'
import type { Serde, SerdeColumn } from './serde-types.ts'

/**
 * DELIMITED format (CSV through Apache Commons CSV in ksqlDB): one field per column in order, an
 * empty field is NULL, fields may be double-quoted. Output quoting follows Commons CSV's MINIMAL
 * mode, including its quirk of quoting a first field that starts with a non-alphanumeric character
 * (`"-12345.12"`), so output matches ksqlDB byte for byte.
 */
export function createDelimitedSerde(columns: readonly SerdeColumn[], delimiter = ','): Serde {
  const parsers = columns.map((c) => createFieldParser(c.type))
  const printers = columns.map((c) => createFieldPrinter(c.type))
  return {
    serialize(values) {
      if (values === null) return null
      let out = ''
      for (let i = 0; i < printers.length; i++) {
        if (i > 0) out += delimiter
        const value = values[i]
        if (value === null || value === undefined) continue
        out += quoteField((printers[i] as FieldPrinter)(value), delimiter, i === 0)
      }
      return Buffer.from(out, 'utf8')
    },
    deserialize(bytes) {
      if (bytes === null) return null
      const fields = splitDelimited(bytes.toString('utf8'), delimiter)
      if (fields.length !== parsers.length) {
        throw new RecordError(
          `Unexpected field count, csvFields:${fields.length} schemaFields:${parsers.length} line: ${bytes.toString('utf8')}`,
        )
      }
      return fields.map((field, i) => (field === '' ? null : (parsers[i] as FieldParser)(field)))
    },
  }
}

type FieldParser = (field: string) => unknown
type FieldPrinter = (value: unknown) => string

function createFieldParser(type: SqlType): FieldParser {
  switch (type.kind) {
    // Boolean.parseBoolean, Integer.parseInt...: no trimming except for doubles, as in ksqlDB.
    case 'BOOLEAN':
      return (f) => f.toLowerCase() === 'true'
    case 'INTEGER':
      return (f) => parseInteger(f, 32)
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return (f) => parseInteger(f, 64)
    case 'DOUBLE':
      return parseJavaDouble
    case 'DECIMAL':
      return (f) => fitDecimal(Decimal.parse(f), type.precision, type.scale)
    case 'STRING':
      return (f) => f
    case 'BYTES':
      return (f) => Buffer.from(f, 'base64')
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return () => {
        throw new RecordError(`The 'DELIMITED' format does not support type '${type.kind}'`)
      }
    default:
      return assertNever(type)
  }
}

const INTEGER_TEXT = /^[+-]?\d+$/

function parseInteger(field: string, bits: 32 | 64): number {
  if (!INTEGER_TEXT.test(field)) throw new RecordError(`For input string: "${field}"`)
  const n = Number(field)
  if (bits === 32 && (n < -2147483648 || n > 2147483647))
    throw new RecordError(`For input string: "${field}"`)
  return n
}

function createFieldPrinter(type: SqlType): FieldPrinter {
  switch (type.kind) {
    case 'STRING':
      return (v) => v as string
    case 'DECIMAL':
      return (v) => (v as Decimal).setScale(type.scale).toString()
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return (v) => String(v)
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return () => {
        throw new RecordError(`The 'DELIMITED' format does not support type '${formatSqlType(type)}'`)
      }
    default:
      return (v) => formatAsString(v, type)
  }
}

const isAsciiAlphanumeric = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)

/** Commons CSV QuoteMode.MINIMAL. */
export function quoteField(value: string, delimiter: string, firstInRecord: boolean): string {
  let quote = false
  if (value.length === 0) {
    quote = firstInRecord
  } else {
    const first = value.charCodeAt(0)
    if ((firstInRecord && !isAsciiAlphanumeric(first)) || first <= 0x23) {
      quote = true
    } else if (
      value.includes('"') ||
      value.includes(delimiter) ||
      value.includes('\n') ||
      value.includes('\r') ||
      value.charCodeAt(value.length - 1) <= 0x20
    ) {
      quote = true
    }
  }
  return quote ? `"${value.replaceAll('"', '""')}"` : value
}

/** Splits one CSV line; quoted fields may contain the delimiter and doubled quotes. */
export function splitDelimited(line: string, delimiter: string): string[] {
  const fields: string[] = []
  let i = 0
  const n = line.length
  for (;;) {
    if (line[i] === '"') {
      let value = ''
      i++
      for (;;) {
        const close = line.indexOf('"', i)
        if (close < 0) throw new RecordError(`Unterminated quoted field in: ${line}`)
        value += line.slice(i, close)
        if (line[close + 1] === '"') {
          value += '"'
          i = close + 2
        } else {
          i = close + 1
          break
        }
      }
      fields.push(value)
      if (i >= n) return fields
      if (!line.startsWith(delimiter, i))
        throw new RecordError(`Invalid character after quoted field in: ${line}`)
      i += delimiter.length
    } else {
      const next = line.indexOf(delimiter, i)
      if (next < 0) {
        fields.push(line.slice(i))
        return fields
      }
      fields.push(line.slice(i, next))
      i = next + delimiter.length
    }
  }
}
