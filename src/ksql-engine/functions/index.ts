/**
 * Built-in function library of the embedded ksqlDB engine. Public surface:
 *
 * - `createFunctionRegistry(options?)` → `FunctionRegistry` (function-types.ts): `scalar(name)`,
 *   `aggregate(name)`, `isAggregate(name)`, plus `list()` for SHOW FUNCTIONS. Options:
 *   `{ collectListLimit, collectSetLimit, histogramLimit }`, e.g. from
 *   `functionRegistryOptionsFromProperties(properties)` (ksql.functions.collect_list.limit ...);
 *   `testFunctions: true` adds the QTT test-classpath UDFs (BAD_UDF, TEST_UDF...) for conformance runs.
 * - Resolution: `fn.resolve(args: ArgumentInfo[])` once per call site → `{ ok, value | message }`;
 *   messages are ksqlDB's ("Function 'substring' does not accept parameters (STRING, BOOLEAN)...").
 *   Resolved scalars widen numeric arguments themselves (INT → BIGINT → DECIMAL → DOUBLE).
 * - Invocation: `resolved.invoke(values)` per record; failures throw `RecordError` (types/) — log and
 *   yield NULL. Aggregates: `argumentIndexes` says which call arguments feed add/undo, `undo` exists
 *   only for table-capable aggregates, `merge` for session windows, `intermediateType` for format checks.
 * - Messages the analyzer needs: `unknownFunctionMessage`, `tableSourceNotSupportedMessage`,
 *   `INTERMEDIATE_TYPE_NOT_SUPPORTED_MESSAGE`.
 * - `compileJavaDateTimePattern(pattern)` (TIMESTAMP_FORMAT on sources), `resolveTimeZone(id)`.
 */
export {
  createFunctionRegistry,
  functionRegistryOptionsFromProperties,
  unknownFunctionMessage,
} from './registry.ts'
export type { BuiltinFunctionRegistry, FunctionRegistryOptions } from './registry.ts'
export type {
  AggregateFunction,
  ArgumentInfo,
  FunctionRegistry,
  Resolution,
  ResolvedAggregate,
  ResolvedScalar,
  ScalarFunction,
} from './function-types.ts'
export {
  INTERMEDIATE_TYPE_NOT_SUPPORTED_MESSAGE,
  tableSourceNotSupportedMessage,
} from './aggregates/aggregate-helpers.ts'
export { compileJavaDateTimePattern, type JavaDateTimeFormatter } from './java-datetime-format.ts'
export { UTC_ZONE, resolveTimeZone, type TimeZone } from './time-zone.ts'
