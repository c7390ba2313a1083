import {
  avgAggregate,
  countAggregate,
  maxAggregate,
  minAggregate,
  sumAggregate,
  sumListAggregate,
} from './aggregates/basic-aggregates.ts'
import { earliestByOffsetAggregate, latestByOffsetAggregate } from './aggregates/by-offset.ts'
import { stddevSampAggregate } from './aggregates/stddev.ts'
import {
  collectListAggregate,
  collectSetAggregate,
  countDistinctAggregate,
  histogramAggregate,
  topkAggregate,
  topkDistinctAggregate,
  type CollectionLimits,
} from './aggregates/collections.ts'
import { arrayMapFunctions } from './array-map.ts'
import { arraySetFunctions } from './array-sets.ts'
import { datetimeFunctions } from './datetime.ts'
import type { AggregateFunction, FunctionRegistry, ScalarFunction } from './function-types.ts'
import { geoFunctions } from './geo.ts'
import { jsonFunctions } from './json-functions.ts'
import { maskFunctions } from './mask.ts'
import { mathFunctions } from './math.ts'
import { nullFunctions } from './null-functions.ts'
import { stringExtraFunctions } from './string-extras.ts'
import { stringFunctions } from './string.ts'
import { testFunctions } from './test-udfs.ts'
import { generateSeriesFunction } from './generate-series.ts'
import { builtinTableFunctions, type TableFunction } from './table-functions.ts'

export interface FunctionRegistryOptions extends CollectionLimits {
  /** Also register the UDFs ksqlDB's QTT cases load from its test classpath (conformance runs only). */
  readonly testFunctions?: boolean
}

/** ksqlDB's FunctionCategory names, as SHOW FUNCTIONS prints them. */
export type FunctionCategory =
  | 'STRING'
  | 'MATHEMATICAL'
  | 'CONDITIONAL'
  | 'DATE / TIME'
  | 'JSON'
  | 'ARRAY'
  | 'MAP'
  | 'REGULAR EXPRESSION'
  | 'OTHER'
  | 'AGGREGATE'
  | 'TABLE'

const REFINED_CATEGORIES: Readonly<Record<string, FunctionCategory>> = {
  REGEXP_REPLACE: 'REGULAR EXPRESSION',
  REGEXP_EXTRACT: 'REGULAR EXPRESSION',
  REGEXP_EXTRACT_ALL: 'REGULAR EXPRESSION',
  REGEXP_SPLIT_TO_ARRAY: 'REGULAR EXPRESSION',
  SPLIT_TO_MAP: 'MAP',
  MAP_KEYS: 'MAP',
  MAP_VALUES: 'MAP',
  MAP_UNION: 'MAP',
  AS_MAP: 'MAP',
  ENTRIES: 'MAP',
  AS_VALUE: 'OTHER',
  UUID: 'OTHER',
  MD5: 'OTHER',
}

export interface BuiltinFunctionRegistry extends FunctionRegistry {
  /** Every function, sorted by upper-case name, for SHOW FUNCTIONS. */
  list(): readonly {
    readonly name: string
    readonly type: 'SCALAR' | 'AGGREGATE' | 'TABLE'
    readonly category: FunctionCategory
  }[]
}

/**
 * The built-in ksqlDB functions. Names are matched case-insensitively. Options carry the server
 * properties that change function behaviour (`ksql.functions.collect_list.limit` ...).
 */
export function createFunctionRegistry(options: FunctionRegistryOptions = {}): BuiltinFunctionRegistry {
  const scalars = new Map<string, ScalarFunction>()
  const categories = new Map<string, FunctionCategory>()
  const families: readonly (readonly [FunctionCategory, readonly ScalarFunction[]])[] = [
    ['STRING', [...stringFunctions(), ...stringExtraFunctions(), ...maskFunctions()]],
    ['MATHEMATICAL', [...mathFunctions(), ...geoFunctions()]],
    ['CONDITIONAL', nullFunctions()],
    ['DATE / TIME', datetimeFunctions()],
    ['JSON', jsonFunctions()],
    ['ARRAY', [...arrayMapFunctions(), ...arraySetFunctions(), generateSeriesFunction()]],
    ['OTHER', options.testFunctions === true ? testFunctions() : []],
  ]
  for (const [category, functions] of families) {
    for (const f of functions) {
      scalars.set(f.name, f)
      categories.set(f.name, REFINED_CATEGORIES[f.name] ?? category)
    }
  }
  const aggregates = new Map<string, AggregateFunction>()
  for (const f of [
    countAggregate(),
    sumAggregate(),
    sumListAggregate(),
    avgAggregate(),
    minAggregate(),
    maxAggregate(),
    countDistinctAggregate(),
    latestByOffsetAggregate(),
    earliestByOffsetAggregate(),
    collectListAggregate(options),
    collectSetAggregate(options),
    topkAggregate(),
    topkDistinctAggregate(),
    histogramAggregate(options),
    stddevSampAggregate(),
  ]) {
    aggregates.set(f.name, f)
  }
  const tableFunctions = new Map<string, TableFunction>(builtinTableFunctions().map((f) => [f.name, f]))
  return {
    scalar: (name) => scalars.get(name.toUpperCase()),
    tableFunction: (name) => tableFunctions.get(name.toUpperCase()),
    aggregate: (name) => aggregates.get(name.toUpperCase()),
    isAggregate: (name) => aggregates.has(name.toUpperCase()),
    list: () =>
      [
        ...[...scalars.keys()].map((name) => ({
          name,
          type: 'SCALAR' as const,
          category: categories.get(name) ?? 'OTHER',
        })),
        ...[...aggregates.keys()].map((name) => ({
          name,
          type: 'AGGREGATE' as const,
          category: 'AGGREGATE' as const,
        })),
        ...[...tableFunctions.keys()].map((name) => ({
          name,
          type: 'TABLE' as const,
          category: 'TABLE' as const,
        })),
      ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  }
}

/** Registry options from ksqlDB properties (`ksql.functions.collect_list.limit` ...); others are ignored. */
export function functionRegistryOptionsFromProperties(
  properties: Readonly<Record<string, string | number>>,
): FunctionRegistryOptions {
  const limit = (name: string): number | undefined => {
    const raw = properties[`ksql.functions.${name}.limit`]
    const n = raw === undefined ? Number.NaN : Number(raw)
    return Number.isInteger(n) && n >= 0 ? n : undefined
  }
  const list = limit('collect_list')
  const set = limit('collect_set')
  const histogram = limit('histogram')
  return {
    ...(list === undefined ? {} : { collectListLimit: list }),
    ...(set === undefined ? {} : { collectSetLimit: set }),
    ...(histogram === undefined ? {} : { histogramLimit: histogram }),
  }
}

/** ksqlDB's statement error for an unknown function name. */
export function unknownFunctionMessage(name: string): string {
  return `Can't find any functions with the name '${name.toUpperCase()}'`
}
