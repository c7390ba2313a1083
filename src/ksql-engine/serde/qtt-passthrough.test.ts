/**
 * Replays ksqlDB's QTT "SELECT * pass-through" cases (CREATE source; CREATE sink AS SELECT * FROM
 * source) through the serdes alone: input bytes → source serde → sink serde → bytes, compared with
 * the expected output records. Records the source serde rejects are dropped, as ksqlDB does.
 * Skipped when the QTT corpus is not present (set DIP_QTT_DIR).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import type { KeyFormat, ValueFormat } from '../engine-api.ts'
import { isRecordError } from '../types/record-error.ts'
import { createKeySerde, createValueSerde } from './create-serde.ts'
import { fromEngineValue, toEngineValue } from './json-values.ts'
import type { Serde, SerdeColumn } from './serde-types.ts'
import { parseColumns, parseWith, type ParsedColumn } from './testing/parse-columns.ts'

const SUITE = process.env.DIP_QTT_DIR ?? '/work/shared/conformance/ksqldb-qtt'
const FILES = [
  'json.json',
  'delimited.json',
  'kafka.json',
  'key-schemas.json',
  'serdes.json',
  'elements.json',
  'multi-col-keys.json',
]
const SUPPORTED = new Set(['JSON', 'DELIMITED', 'KAFKA', 'NONE'])

interface QttRecord {
  readonly topic: string
  readonly key?: unknown
  readonly value?: unknown
  readonly window?: unknown
}
interface QttTest {
  readonly name: string
  readonly format?: readonly string[]
  readonly statements?: readonly string[]
  readonly inputs?: readonly QttRecord[]
  readonly outputs?: readonly QttRecord[]
  readonly expectedException?: unknown
  readonly properties?: Record<string, unknown>
  readonly topics?: readonly { readonly keySchema?: unknown; readonly valueSchema?: unknown }[]
  readonly enabled?: boolean
}

interface Side {
  readonly keyFormat: string
  readonly valueFormat: string
  readonly keyColumns: readonly ParsedColumn[]
  readonly valueColumns: readonly ParsedColumn[]
  readonly props: Record<string, string>
}

interface PassThroughCase {
  readonly id: string
  readonly table: boolean
  readonly source: Side
  readonly sink: Side
  readonly wrapDefault: boolean
  readonly inputs: readonly QttRecord[]
  readonly outputs: readonly QttRecord[]
}

const CREATE_SOURCE = /^CREATE\s+(STREAM|TABLE)\s+\w+\s*\((.*)\)\s*WITH\s*\((.*)\)\s*;?\s*$/is
const CREATE_SINK =
  /^CREATE\s+(?:STREAM|TABLE)\s+\w+\s*(?:WITH\s*\((.*)\))?\s*AS\s+SELECT\s+\*\s+FROM\s+\w+\s*;?\s*$/is

function loadCases(): PassThroughCase[] {
  const cases: PassThroughCase[] = []
  for (const file of FILES) {
    const doc = JSON.parse(readFileSync(join(SUITE, 'qtt', file), 'utf8')) as { tests: QttTest[] }
    for (const test of doc.tests) {
      if (test.enabled === false || test.expectedException !== undefined || test.statements?.length !== 2)
        continue
      if (test.topics?.some((t) => t.keySchema !== undefined || t.valueSchema !== undefined)) continue
      for (const format of test.format ?? [undefined]) {
        if (format !== undefined && !SUPPORTED.has(format)) continue
        const [first, second] = test.statements.map((s) =>
          format === undefined ? s : s.replaceAll('{FORMAT}', format),
        )
        const src = CREATE_SOURCE.exec(first ?? '')
        const snk = CREATE_SINK.exec(second ?? '')
        if (src === null || snk === null) continue
        let columns: ParsedColumn[]
        try {
          columns = parseColumns(src[2] as string)
        } catch {
          continue
        }
        const props = parseWith(src[3] as string)
        const sinkProps = snk[1] === undefined ? {} : parseWith(snk[1])
        const keyFormat = (props.KEY_FORMAT ?? props.FORMAT ?? 'KAFKA').toUpperCase()
        const valueFormat = (props.VALUE_FORMAT ?? props.FORMAT ?? '').toUpperCase()
        const sinkKeyFormat = (sinkProps.KEY_FORMAT ?? sinkProps.FORMAT ?? keyFormat).toUpperCase()
        const sinkValueFormat = (sinkProps.VALUE_FORMAT ?? sinkProps.FORMAT ?? valueFormat).toUpperCase()
        if (![keyFormat, valueFormat, sinkKeyFormat, sinkValueFormat].every((f) => SUPPORTED.has(f))) continue
        if ([...(test.inputs ?? []), ...(test.outputs ?? [])].some((r) => r.window !== undefined)) continue
        const keyColumns = columns.filter((c) => c.key)
        const valueColumns = columns.filter((c) => !c.key)
        const wrapProperty = test.properties?.['ksql.persistence.wrap.single.values']
        cases.push({
          id: `${file} :: ${test.name}${format === undefined ? '' : ` (${format})`}`,
          table: (src[1] as string).toUpperCase() === 'TABLE',
          source: { keyFormat, valueFormat, keyColumns, valueColumns, props },
          sink: {
            keyFormat: sinkKeyFormat,
            valueFormat: sinkValueFormat,
            keyColumns,
            valueColumns,
            props: {
              ...(props.VALUE_DELIMITER === undefined || sinkProps.VALUE_FORMAT !== undefined
                ? {}
                : { VALUE_DELIMITER: props.VALUE_DELIMITER }),
              ...(props.KEY_DELIMITER === undefined ? {} : { KEY_DELIMITER: props.KEY_DELIMITER }),
              ...sinkProps,
            },
          },
          wrapDefault: wrapProperty === undefined ? true : String(wrapProperty) === 'true',
          inputs: test.inputs ?? [],
          outputs: test.outputs ?? [],
        })
      }
    }
  }
  return cases
}

function delimiterOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const upper = text.toUpperCase()
  return upper === 'TAB' ? '\t' : upper === 'SPACE' ? ' ' : text
}

function serdesFor(side: Side, wrapDefault: boolean): { key: Serde; value: Serde } {
  const wrap = side.props.WRAP_SINGLE_VALUE
  const keyDelimiter = delimiterOf(side.props.KEY_DELIMITER)
  const valueDelimiter = delimiterOf(side.props.VALUE_DELIMITER)
  return {
    key: createKeySerde(
      side.keyFormat as KeyFormat,
      side.keyColumns,
      keyDelimiter === undefined ? {} : { delimiter: keyDelimiter },
    ),
    value: createValueSerde(side.valueFormat as ValueFormat, side.valueColumns, {
      wrapSingleValue: wrap === undefined ? wrapDefault : wrap.toLowerCase() === 'true',
      ...(valueDelimiter === undefined ? {} : { delimiter: valueDelimiter }),
    }),
  }
}

/** QTT record field → bytes, the way ksqlDB's test harness produces them. */
function encode(raw: unknown, format: string, columns: readonly SerdeColumn[], serde: Serde): Buffer | null {
  if (raw === null || raw === undefined) return null
  if (format === 'JSON') return Buffer.from(JSON.stringify(raw), 'utf8')
  if (format === 'DELIMITED') return Buffer.from(String(raw), 'utf8')
  const column = columns[0]
  if (column === undefined) return null
  return serde.serialize([toEngineValue(raw, column.type)])
}

/** Bytes → the QTT JSON form to compare with expected outputs. */
function decode(
  bytes: Buffer | null,
  format: string,
  columns: readonly SerdeColumn[],
  serde: Serde,
): unknown {
  if (bytes === null) return null
  if (format === 'JSON') return JSON.parse(bytes.toString('utf8')) as unknown
  if (format === 'DELIMITED') return bytes.toString('utf8')
  const column = columns[0]
  const values = serde.deserialize(bytes)
  return column === undefined || values === null ? null : fromEngineValue(values[0], column.type)
}

/** Cases outside what the serdes can reproduce, with the reason (documented engine limits). */
const KNOWN_LIMITS: Readonly<Record<string, string>> = {
  'delimited.json :: BIGINT - key':
    'BIGINT values beyond 2^53 lose precision (runtime BIGINT is a JS number)',
}

const available = existsSync(join(SUITE, 'qtt', 'json.json'))

describe.skipIf(!available)('QTT pass-through cases replayed through the serdes', () => {
  const cases = available ? loadCases() : []

  it('finds the pass-through cases', () => {
    expect(cases.length).toBeGreaterThan(30)
  })

  it.each(cases.filter((c) => KNOWN_LIMITS[c.id] === undefined).map((c) => [c.id, c] as const))(
    '%s',
    (_id, c) => {
      const src = serdesFor(c.source, c.wrapDefault)
      const snk = serdesFor(c.sink, c.wrapDefault)
      const produced: { key: unknown; value: unknown }[] = []
      for (const input of c.inputs) {
        try {
          const keyBytes = encode(input.key, c.source.keyFormat, c.source.keyColumns, src.key)
          const valueBytes = encode(input.value, c.source.valueFormat, c.source.valueColumns, src.value)
          // Tables drop records without a key; streams keep them.
          if (c.table && keyBytes === null) continue
          const key = src.key.deserialize(keyBytes)
          const value = src.value.deserialize(valueBytes)
          produced.push({
            key: decode(snk.key.serialize(key), c.sink.keyFormat, c.sink.keyColumns, snk.key),
            value: decode(snk.value.serialize(value), c.sink.valueFormat, c.sink.valueColumns, snk.value),
          })
        } catch (error) {
          if (!isRecordError(error)) throw error
        }
      }
      const expected = c.outputs.map((o) => ({
        key: c.sink.keyColumns.length === 0 || c.sink.keyFormat === 'NONE' ? null : (o.key ?? null),
        value: o.value ?? null,
      }))
      expect(produced).toEqual(expected)
    },
  )
})
