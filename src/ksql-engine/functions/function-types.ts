import type { TableFunction } from './table-functions.ts'
import type { SqlType } from '../types/sql-type.ts'

/**
 * Contracts between the analyzer/runtime and the built-in function library. The analyzer calls
 * `resolve` once per call site with the argument types (and literal values, for functions such
 * as TOPK(col, 3) whose behaviour depends on a constant); the runtime only calls the returned
 * closures. A resolve failure is a statement error with ksqlDB's wording; an invoke failure is a
 * record-level error (processing log, NULL result).
 */
export interface ArgumentInfo {
  readonly type: SqlType | null // null: the literal NULL, type not known yet
  /** Present when the argument is a literal. */
  readonly literal?: { readonly value: unknown }
}

export type Resolution<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string }

export interface ScalarFunction {
  readonly name: string // upper-case, e.g. MASK_LEFT
  resolve(args: readonly ArgumentInfo[]): Resolution<ResolvedScalar>
}

export interface ResolvedScalar {
  readonly returnType: SqlType
  /** null-in → null-out is the function's own business (most functions return null). */
  invoke(args: readonly unknown[]): unknown
}

export interface AggregateFunction {
  readonly name: string
  resolve(args: readonly ArgumentInfo[]): Resolution<ResolvedAggregate<unknown>>
}

/**
 * An aggregate over a group. `undo` exists when the function supports table sources (retractions);
 * the analyzer rejects aggregates without it on tables ("... does not support undo" in ksqlDB).
 * Accumulators are treated as immutable values: every step returns a new or the same accumulator.
 */
export interface ResolvedAggregate<A> {
  readonly returnType: SqlType
  /**
   * Indexes of the call's arguments passed to add/undo, in order: the value arguments, without
   * constant configuration such as TOPK's k or LATEST_BY_OFFSET's ignoreNulls (TOPK(col, 3) → [0];
   * COUNT(*) and COUNT(1) → []; SUM(2) → [0]). When absent: every non-literal argument.
   */
  readonly argumentIndexes?: readonly number[]
  /**
   * ksqlDB's intermediate (state) type: formats that cannot hold it (DELIMITED/KAFKA cannot hold
   * ARRAY/MAP/STRUCT) reject the query with "One of the functions used in the statement has an
   * intermediate type that the value format can not handle. ...". Absent: same as returnType.
   */
  readonly intermediateType?: SqlType
  /** Only the non-literal arguments are passed to add/undo (TOPK(col, 3) → [col]); see argumentIndexes. */
  initial(): A
  add(acc: A, args: readonly unknown[]): A
  undo?(acc: A, args: readonly unknown[]): A
  /** Session windows merge accumulators of merged sessions. */
  merge?(a: A, b: A): A
  result(acc: A): unknown
}

export interface FunctionRegistry {
  scalar(name: string): ScalarFunction | undefined
  /** Table functions (EXPLODE ...), which only a SELECT list may call (see table-functions.ts). */
  tableFunction(name: string): TableFunction | undefined
  aggregate(name: string): AggregateFunction | undefined
  isAggregate(name: string): boolean
}
