import type { KeyFormat, ValueFormat, WindowType } from '../engine-api.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { Column, DataSource, FormatInfo, WindowInfo } from '../metastore/source.ts'
import type { PropertyValue, Statement } from '../parser/ast.ts'
import { UnsupportedStatementError } from '../parser/parser.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'
import { keyFormatSupports } from './analyze-query.ts'
import { TIME_UNITS } from '../../shared/time-units.ts'

const KEY_FORMATS = ['KAFKA', 'JSON', 'DELIMITED', 'NONE']
const VALUE_FORMATS = ['JSON', 'DELIMITED', 'KAFKA']
const SCHEMA_REGISTRY_FORMATS = ['AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR']

export function propertyString(
  props: Readonly<Record<string, PropertyValue>>,
  name: string,
): string | undefined {
  const v = props[name]
  return v === undefined ? undefined : String(v)
}

export function checkFormatName(format: string, allowed: readonly string[], what: 'key' | 'value'): void {
  if (SCHEMA_REGISTRY_FORMATS.includes(format)) throw new UnsupportedStatementError(`${format} format`)
  if (!allowed.includes(format)) {
    if (format === 'NONE' && what === 'value') throw new UnsupportedStatementError('VALUE_FORMAT NONE')
    throw new StatementError(`Unknown format: ${format}`)
  }
}

/** Resolves KEY_FORMAT / VALUE_FORMAT / FORMAT and the serde features of a WITH clause. */
export function resolveFormats(
  props: Readonly<Record<string, PropertyValue>>,
  defaults: {
    readonly keyFormat: KeyFormat | undefined
    readonly valueFormat: ValueFormat | undefined
    readonly formats?: FormatInfo
    /** `ksql.persistence.wrap.single.values`: the default when WRAP_SINGLE_VALUE is not given. */
    readonly wrapSingleValues?: boolean
  },
): FormatInfo {
  const format = propertyString(props, 'FORMAT')?.toUpperCase()
  const keyProp = propertyString(props, 'KEY_FORMAT')?.toUpperCase()
  const valueProp = propertyString(props, 'VALUE_FORMAT')?.toUpperCase()
  if (format !== undefined && (keyProp !== undefined || valueProp !== undefined)) {
    throw new StatementError(
      `Cannot supply both '${keyProp !== undefined ? 'KEY_FORMAT' : 'VALUE_FORMAT'}' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.`,
    )
  }
  const keyFormat = keyProp ?? format ?? defaults.keyFormat
  const valueFormat = valueProp ?? format ?? defaults.valueFormat
  if (valueFormat === undefined) {
    throw new StatementError(
      "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
    )
  }
  if (keyFormat !== undefined) checkFormatName(keyFormat, KEY_FORMATS, 'key')
  checkFormatName(valueFormat, VALUE_FORMATS, 'value')
  const wrap = props.WRAP_SINGLE_VALUE
  if (props.VALUE_DELIMITER !== undefined && valueFormat !== 'DELIMITED') {
    throw new StatementError(`${valueFormat} does not support the following configs: [delimiter]`)
  }
  if (props.KEY_DELIMITER !== undefined && keyFormat !== 'DELIMITED') {
    throw new StatementError(`${keyFormat ?? 'KAFKA'} does not support the following configs: [delimiter]`)
  }
  if (
    wrap !== undefined &&
    (wrap === true || String(wrap).toLowerCase() === 'true') &&
    (valueFormat === 'DELIMITED' || valueFormat === 'KAFKA')
  ) {
    throw new StatementError(`Format '${valueFormat}' does not support 'WRAP_SINGLE_VALUE' set to 'true'.`)
  }
  const delimiter = (name: string, inherited: string | undefined): string => {
    const raw = propertyString(props, name)
    if (raw === undefined) return inherited ?? ','
    const upper = raw.toUpperCase()
    if (upper === 'TAB') return '\t'
    if (upper === 'SPACE') return ' '
    if (raw.trim() === '') {
      throw new StatementError(
        `Failed to prepare statement: Configuration ${name} is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'`,
      )
    }
    if (raw.length !== 1)
      throw new StatementError(
        `Failed to prepare statement: Configuration ${name} is invalid: Invalid delimiter value: '${raw}'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'`,
      )
    return raw
  }
  return {
    keyFormat: (keyFormat ?? 'KAFKA') as KeyFormat,
    valueFormat: valueFormat as ValueFormat,
    keyDelimiter: delimiter(
      'KEY_DELIMITER',
      keyProp === undefined && format === undefined ? defaults.formats?.keyDelimiter : undefined,
    ),
    valueDelimiter: delimiter(
      'VALUE_DELIMITER',
      valueProp === undefined && format === undefined ? defaults.formats?.valueDelimiter : undefined,
    ),
    wrapSingleValue:
      wrap === undefined
        ? (defaults.wrapSingleValues ?? true)
        : wrap === true || String(wrap).toLowerCase() === 'true',
  }
}

export function parseDuration(text: string, property: string): number {
  const m = /^\s*(\d+)\s+([A-Za-z]+)\s*$/.exec(text)
  if (m === null)
    throw new StatementError(`Configuration ${property} is invalid: Invalid duration: '${text}'`)
  const factor = TIME_UNITS[(m[2] as string).toUpperCase()]
  if (factor === undefined) {
    throw new StatementError(
      `Configuration ${property} is invalid: Invalid duration: '${text}'. Unknown time unit: '${(m[2] as string).toUpperCase()}'`,
    )
  }
  return Number(m[1]) * factor
}

function containsMap(type: SqlType): boolean {
  if (type.kind === 'MAP') return true
  if (type.kind === 'ARRAY') return containsMap(type.element)
  if (type.kind === 'STRUCT') return type.fields.some((f) => containsMap(f.type))
  return false
}

export function checkKeyColumns(columns: readonly Column[], keyFormat: KeyFormat): void {
  for (const c of columns) {
    if (containsMap(c.type)) {
      throw new StatementError(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${c.name}\`. Column type: ${formatSqlType(c.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
      )
    }
  }
  const problem = keyFormatSupports(keyFormat, columns)
  if (problem !== null) {
    throw new StatementError(
      `Key format does not support schema.\nformat: ${keyFormat}\nschema: Persistence{columns=[${columns.map((c) => `\`${c.name}\` ${formatSqlType(c.type)} KEY`).join(', ')}], features=[]}\nreason: ${problem}`,
    )
  }
}

export function checkMapKeys(type: SqlType): void {
  if (type.kind === 'MAP') {
    if (type.key.kind !== 'STRING') throw new StatementError('JSON only supports MAP types with STRING keys')
    checkMapKeys(type.value)
  } else if (type.kind === 'ARRAY') checkMapKeys(type.element)
  else if (type.kind === 'STRUCT') type.fields.forEach((f) => checkMapKeys(f.type))
}

/** CREATE STREAM/TABLE (non-AS) → the DataSource to register (all DDL validation here). */
export function analyzeCreateSource(
  statement: Statement & { kind: 'createSource' },
  text: string,
  options: {
    readonly defaultKeyFormat: KeyFormat
    readonly defaultValueFormat: ValueFormat | undefined
    readonly wrapSingleValues?: boolean
  },
): { source: DataSource; partitions: number | undefined } {
  const props = statement.properties
  const isTable = statement.sourceType === 'TABLE'
  checkFullSchemaName(props)
  for (const name of Object.keys(props)) {
    if (
      [
        'KEY_SCHEMA_ID',
        'VALUE_SCHEMA_ID',
        'KEY_SCHEMA_FULL_NAME',
        'VALUE_SCHEMA_FULL_NAME',
        'VALUE_AVRO_SCHEMA_FULL_NAME',
      ].includes(name)
    ) {
      throw new UnsupportedStatementError(`${name} (Schema Registry)`)
    }
  }
  const topic = propertyString(props, 'KAFKA_TOPIC')
  if (topic === undefined)
    throw new StatementError('Missing required property "KAFKA_TOPIC" which has no default value.')
  const valueFormatName = (
    propertyString(props, 'VALUE_FORMAT') ?? propertyString(props, 'FORMAT')
  )?.toUpperCase()
  const valueElements = statement.elements.filter((e) => e.constraint === null)
  if (valueFormatName === 'NONE' && valueElements.length > 0) {
    throw new StatementError(
      `The 'NONE' format can only be used when no columns are defined. Got: [${valueElements.map((c) => `\`${c.name}\` ${formatSqlType(c.type)}`).join(', ')}]`,
    )
  }
  const formats = resolveFormats(props, {
    keyFormat: undefined,
    valueFormat: options.defaultValueFormat,
    ...(options.wrapSingleValues === undefined ? {} : { wrapSingleValues: options.wrapSingleValues }),
  })
  const key: Column[] = []
  const value: Column[] = []
  const seen = new Set<string>()
  for (const el of statement.elements) {
    if (seen.has(el.name)) throw new StatementError(`Duplicate column names: ${el.name}`)
    seen.add(el.name)
    if (['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND'].includes(el.name)) {
      throw new StatementError(
        `'${el.name}' is a reserved column name. You cannot use it as a name for a column.`,
      )
    }
    if (isTable && el.constraint === 'KEY') {
      throw new StatementError(
        `Line: ${el.position.line}, Col: ${el.position.column}: Column \`${el.name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`,
      )
    }
    if (!isTable && el.constraint === 'PRIMARY KEY') {
      throw new StatementError(
        `Line: ${el.position.line}, Col: ${el.position.column}: Column \`${el.name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`,
      )
    }
    if (el.constraint === null) value.push({ name: el.name, type: el.type })
    else key.push({ name: el.name, type: el.type })
  }
  if (isTable && key.length === 0) {
    throw new StatementError(
      `Tables require a PRIMARY KEY. Please define the PRIMARY KEY.\nUse a partial schema to define the primary key and still let the value columns be inferred from the Schema Registry, eg. CREATE TABLE t (id INT PRIMARY KEY) WITH (...);`,
    )
  }
  const explicitKeyFormat = propertyString(props, 'KEY_FORMAT') ?? propertyString(props, 'FORMAT')
  let keyFormat = formats.keyFormat
  if (explicitKeyFormat === undefined) keyFormat = key.length === 0 ? 'NONE' : options.defaultKeyFormat
  if (
    key.length === 0 &&
    keyFormat !== 'NONE' &&
    propertyString(props, 'KEY_FORMAT') !== undefined &&
    !isTable
  ) {
    // ksqlDB accepts an explicit key format on a key-less stream only as NONE-equivalent.
    keyFormat = 'NONE'
  }
  if (key.length > 0 && keyFormat === 'NONE') {
    throw new StatementError(
      `The 'NONE' format can only be used when no columns are defined. Got: [${key.map((c) => `\`${c.name}\` ${formatSqlType(c.type)} KEY`).join(', ')}]`,
    )
  }
  checkKeyColumns(key, keyFormat)
  checkValueColumns(value, formats.valueFormat)
  checkWrapping(props, value.length)
  if (formats.valueFormat === 'JSON') value.forEach((c) => checkMapKeys(c.type))
  const window = windowOf(props, key.length)
  const timestampColumn = propertyString(props, 'TIMESTAMP')?.toUpperCase() ?? null
  const timestampFormat = propertyString(props, 'TIMESTAMP_FORMAT') ?? null
  checkTimestampColumn([...key, ...value], timestampColumn, timestampFormat)
  const partitionsRaw = props.PARTITIONS
  const source: DataSource = {
    name: statement.name,
    type: statement.sourceType,
    topic,
    schema: { key, value },
    formats: { ...formats, keyFormat },
    window,
    timestampColumn,
    timestampFormat,
    isSource: statement.isSource,
    statement: text,
    createdBy: null,
  }
  return { source, partitions: partitionsRaw === undefined ? undefined : Number(partitionsRaw) }
}

/** WINDOW_TYPE and WINDOW_SIZE: the window of an already windowed topic's keys, or null. */
function windowOf(props: Readonly<Record<string, PropertyValue>>, keyCount: number): WindowInfo | null {
  const windowType = propertyString(props, 'WINDOW_TYPE')?.toUpperCase()
  if (windowType !== undefined) {
    if (!['TUMBLING', 'HOPPING', 'SESSION'].includes(windowType))
      throw new StatementError(
        `WINDOW_TYPE property is not set correctly. value: ${windowType}, validValues: [SESSION, HOPPING, TUMBLING]`,
      )
    const sizeText = propertyString(props, 'WINDOW_SIZE')
    if (windowType !== 'SESSION' && sizeText === undefined) {
      throw new StatementError(
        `${windowType.charAt(0)}${windowType.slice(1).toLowerCase()} windows require 'WINDOW_SIZE' to be provided in the WITH clause. For example: 'WINDOW_SIZE'='10 SECONDS'`,
      )
    }
    if (windowType === 'SESSION' && sizeText !== undefined)
      throw new StatementError(`'WINDOW_SIZE' should not be set for SESSION windows.`)
    const window: WindowInfo = {
      type: windowType as WindowType,
      sizeMs: sizeText === undefined ? null : parseDuration(sizeText, 'WINDOW_SIZE'),
    }
    if (keyCount === 0) throw new StatementError('Windowed sources require a key column.')
    return window
  } else if (propertyString(props, 'WINDOW_SIZE') !== undefined) {
    throw new StatementError("'WINDOW_SIZE' should not be set without 'WINDOW_TYPE'.")
  }
  return null
}

export function checkValueColumns(columns: readonly Column[], format: ValueFormat): void {
  if (format === 'KAFKA' && columns.length > 1) {
    throw new StatementError(
      `The 'KAFKA' format only supports a single field. Got: [${columns.map((c) => `\`${c.name}\` ${formatSqlType(c.type)}`).join(', ')}]`,
    )
  }
  for (const c of columns) {
    if (format === 'DELIMITED' && ['ARRAY', 'MAP', 'STRUCT'].includes(c.type.kind)) {
      throw new StatementError(
        `The 'DELIMITED' format does not support type '${c.type.kind}', column: \`${c.name}\``,
      )
    }
    if (format === 'KAFKA' && !['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES'].includes(c.type.kind)) {
      throw new StatementError(`The 'KAFKA' format does not support type '${c.type.kind}'`)
    }
  }
}

/** WRAP_SINGLE_VALUE only makes sense for a value with exactly one column. */
export function checkWrapping(props: Readonly<Record<string, PropertyValue>>, valueColumns: number): void {
  if (props.WRAP_SINGLE_VALUE !== undefined && valueColumns !== 1) {
    throw new StatementError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
  }
}

/**
 * WITH (TIMESTAMP=...) must name a BIGINT, TIMESTAMP or (with TIMESTAMP_FORMAT) STRING column of
 * the schema the records are read with: a created source's own, or a CSAS/CTAS's FROM source.
 */
export function checkTimestampColumn(
  columns: readonly Column[],
  timestampColumn: string | null,
  timestampFormat: string | null,
): void {
  if (timestampColumn === null) return
  const column = columns.find((c) => c.name === timestampColumn)
  if (column === undefined) {
    throw new StatementError(
      `The TIMESTAMP column set in the WITH clause does not exist in the schema: '${timestampColumn}'`,
    )
  }
  const kind = column.type.kind
  const ok = kind === 'BIGINT' || kind === 'TIMESTAMP' || (kind === 'STRING' && timestampFormat !== null)
  if (!ok) {
    throw new StatementError(
      `Timestamp column, \`${timestampColumn}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`,
    )
  }
}

/** Formats without a schema name: a full schema name is refused for them, as ksqlDB does. */
const FORMATS_WITHOUT_SCHEMA_NAME = ['JSON', 'DELIMITED', 'KAFKA', 'NONE']

function checkFullSchemaName(props: Readonly<Record<string, PropertyValue>>): void {
  if (propertyString(props, 'VALUE_AVRO_SCHEMA_FULL_NAME') === undefined) return
  const format = (propertyString(props, 'VALUE_FORMAT') ?? propertyString(props, 'FORMAT'))?.toUpperCase()
  if (format !== undefined && FORMATS_WITHOUT_SCHEMA_NAME.includes(format))
    throw new StatementError(`${format} does not support the following configs: [fullSchemaName]`)
}
