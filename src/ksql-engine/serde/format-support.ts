import type { SqlType } from '../types/sql-type.ts'
import { formatSqlType } from '../types/sql-type.ts'
import type { SerdeColumn } from './serde-types.ts'

export type SerdeFormat = 'JSON' | 'DELIMITED' | 'KAFKA' | 'NONE'

/**
 * Whether a format can hold these columns; returns ksqlDB's reason text or undefined. The analyzer
 * wraps key failures with `keySchemaNotSupportedMessage` and reports value failures as they are.
 */
export function formatSupportError(
  format: SerdeFormat,
  columns: readonly SerdeColumn[],
  role: 'KEY' | 'VALUE',
): string | undefined {
  switch (format) {
    case 'NONE':
      return columns.length === 0
        ? undefined
        : `The 'NONE' format can only be used when no columns are defined. Got: [${formatColumns(columns, role)}]`
    case 'KAFKA': {
      if (columns.length > 1) {
        return `The 'KAFKA' format only supports a single field. Got: [${formatColumns(columns, role)}]`
      }
      const bad = columns.find((c) => !KAFKA_TYPES.has(c.type.kind))
      return bad === undefined ? undefined : `The 'KAFKA' format does not support type '${bad.type.kind}'`
    }
    case 'DELIMITED': {
      const bad = columns.find(
        (c) => c.type.kind === 'ARRAY' || c.type.kind === 'MAP' || c.type.kind === 'STRUCT',
      )
      return bad === undefined ? undefined : `The 'DELIMITED' format does not support type '${bad.type.kind}'`
    }
    case 'JSON':
      return columns.some((c) => hasNonStringMapKey(c.type))
        ? 'JSON only supports MAP types with STRING keys'
        : undefined
  }
}

/** "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{...}\nreason: ..." */
export function keySchemaNotSupportedMessage(
  format: SerdeFormat,
  columns: readonly SerdeColumn[],
  reason: string,
  features: readonly string[] = [],
): string {
  return (
    `Key format does not support schema.\nformat: ${format}\n` +
    `schema: Persistence{columns=[${formatColumns(columns, 'KEY')}], features=[${features.join(', ')}]}\n` +
    `reason: ${reason}`
  )
}

const KAFKA_TYPES = new Set<SqlType['kind']>(['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES'])

function formatColumns(columns: readonly SerdeColumn[], role: 'KEY' | 'VALUE'): string {
  return columns
    .map((c) => `\`${c.name}\` ${formatSqlType(c.type)}${role === 'KEY' ? ' KEY' : ''}`)
    .join(', ')
}

function hasNonStringMapKey(type: SqlType): boolean {
  switch (type.kind) {
    case 'MAP':
      return type.key.kind !== 'STRING' || hasNonStringMapKey(type.value)
    case 'ARRAY':
      return hasNonStringMapKey(type.element)
    case 'STRUCT':
      return type.fields.some((f) => hasNonStringMapKey(f.type))
    default:
      return false
  }
}

/** ksqlDB rejects MAP-typed key columns (nested too): returns its message, or undefined. */
export function mapKeyColumnError(column: SerdeColumn): string | undefined {
  if (!containsMap(column.type)) return undefined
  return (
    'Map keys, including types that contain maps, are not supported as they may lead to unexpected ' +
    `behavior due to inconsistent serialization. Key column name: \`${column.name}\`. ` +
    `Column type: ${formatSqlType(column.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`
  )
}

function containsMap(type: SqlType): boolean {
  switch (type.kind) {
    case 'MAP':
      return true
    case 'ARRAY':
      return containsMap(type.element)
    case 'STRUCT':
      return type.fields.some((f) => containsMap(f.type))
    default:
      return false
  }
}

/**
 * VALUE_DELIMITER / KEY_DELIMITER text → the delimiter character, or ksqlDB's error message.
 * 'TAB' and 'SPACE' name the whitespace delimiters, which may not be given literally.
 */
export function parseDelimiter(
  text: string,
  property = 'VALUE_DELIMITER',
): { readonly ok: true; readonly delimiter: string } | { readonly ok: false; readonly message: string } {
  const upper = text.toUpperCase()
  if (upper === 'TAB') return { ok: true, delimiter: '\t' }
  if (upper === 'SPACE') return { ok: true, delimiter: ' ' }
  if (text.trim() === '') {
    return {
      ok: false,
      message:
        `Configuration ${property} is invalid: Delimiter cannot be empty, if you meant to have a tab or space ` +
        "for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'",
    }
  }
  if ([...text].length !== 1) {
    return {
      ok: false,
      message:
        `Configuration ${property} is invalid: Invalid delimiter value: '${text}'. Delimiter must be a single ` +
        "character or TAB,SPACE\nExample valid value: ';'",
    }
  }
  return { ok: true, delimiter: text }
}
