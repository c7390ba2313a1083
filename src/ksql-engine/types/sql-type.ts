/**
 * ksqlDB's SQL types (spec A2). Runtime values:
 *   BOOLEAN → boolean; INTEGER, BIGINT, DOUBLE → number (BIGINT beyond 2^53 loses precision: a
 *   documented limit of the embedded engine); DECIMAL → Decimal (types/decimal.ts); STRING → string;
 *   BYTES → Buffer; TIMESTAMP → number (epoch ms); DATE → number (days since epoch);
 *   TIME → number (ms of day); ARRAY → unknown[]; MAP → Map<string, unknown>;
 *   STRUCT → Record<string, unknown> keyed by field name; SQL NULL → null.
 * Plain JSON (QTT files, REST bodies) converts to and from these runtime values with
 * `toEngineValue(json, type)` / `fromEngineValue(value, type)` in serde/json-values.ts: DECIMAL ↔ JSON
 * number, BYTES ↔ base64 text, MAP ↔ object, TIMESTAMP/DATE/TIME ↔ numbers, NaN/±Infinity ↔ "NaN"/...
 */
export type SqlType =
  | { readonly kind: 'BOOLEAN' }
  | { readonly kind: 'INTEGER' }
  | { readonly kind: 'BIGINT' }
  | { readonly kind: 'DOUBLE' }
  | { readonly kind: 'DECIMAL'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'STRING' }
  | { readonly kind: 'BYTES' }
  | { readonly kind: 'TIMESTAMP' }
  | { readonly kind: 'DATE' }
  | { readonly kind: 'TIME' }
  | { readonly kind: 'ARRAY'; readonly element: SqlType }
  | { readonly kind: 'MAP'; readonly key: SqlType; readonly value: SqlType }
  | { readonly kind: 'STRUCT'; readonly fields: readonly StructField[] }

export interface StructField {
  readonly name: string
  readonly type: SqlType
}

export type SqlTypeKind = SqlType['kind']

export const BOOLEAN: SqlType = { kind: 'BOOLEAN' }
export const INTEGER: SqlType = { kind: 'INTEGER' }
export const BIGINT: SqlType = { kind: 'BIGINT' }
export const DOUBLE: SqlType = { kind: 'DOUBLE' }
export const STRING: SqlType = { kind: 'STRING' }
export const BYTES: SqlType = { kind: 'BYTES' }
export const TIMESTAMP: SqlType = { kind: 'TIMESTAMP' }
export const DATE: SqlType = { kind: 'DATE' }
export const TIME: SqlType = { kind: 'TIME' }

export const decimal = (precision: number, scale: number): SqlType => ({ kind: 'DECIMAL', precision, scale })
export const array = (element: SqlType): SqlType => ({ kind: 'ARRAY', element })
export const map = (key: SqlType, value: SqlType): SqlType => ({ kind: 'MAP', key, value })
export const struct = (fields: readonly StructField[]): SqlType => ({ kind: 'STRUCT', fields })

/** ksqlDB's text form, as in DESCRIBE schemas and /query headers: `STRUCT<\`F1\` STRING>`, `DECIMAL(4, 2)`. */
export function formatSqlType(type: SqlType): string {
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`
    case 'ARRAY':
      return `ARRAY<${formatSqlType(type.element)}>`
    case 'MAP':
      return `MAP<${formatSqlType(type.key)}, ${formatSqlType(type.value)}>`
    case 'STRUCT':
      return `STRUCT<${type.fields.map((f) => `\`${f.name}\` ${formatSqlType(f.type)}`).join(', ')}>`
    default:
      return type.kind
  }
}

export function sqlTypeEquals(a: SqlType, b: SqlType): boolean {
  return formatSqlType(a) === formatSqlType(b)
}

export function isNumeric(type: SqlType): boolean {
  return (
    type.kind === 'INTEGER' || type.kind === 'BIGINT' || type.kind === 'DOUBLE' || type.kind === 'DECIMAL'
  )
}
