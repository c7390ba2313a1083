/**
 * Value types of the embedded ksqlDB engine. Public surface for the analyzer and runtime:
 *
 * - `sql-type.ts`      SqlType union, constructors, `formatSqlType`, runtime value representation.
 * - `Decimal`          exact DECIMAL values (unscaled bigint + scale), HALF_UP, `fitDecimal` overflow check.
 * - `RecordError`      thrown by anything evaluated per record; the runtime logs it and moves on.
 * - `canCast` / `createCaster` / `castValue` / `castNotSupportedMessage`   CAST(x AS T).
 * - `formatAsString`   a value's Java toString form (CAST to STRING, CONCAT of non-strings).
 * - `canImplicitlyCast`, `widerNumeric`, `arithmeticResultType`, `createArithmetic`   numeric widening and
 *   `+ - * / %` (types and evaluation, incl. DECIMAL precision/scale and Java int overflow).
 * - `resolveCommonType` / `createCoercer`   one type for ARRAY[...], MAP(...) and IN (...) lists, with
 *   ksqlDB's STRING-literal coercion ('2e1' → 20, 'Y' → true) and its messages.
 * - `formatJavaDouble` / `formatJavaFloat`   Java's Double/Float.toString.
 * - time text forms (`formatTimestampText`, `parseTimestampText`, ...) used by CAST and REST output.
 */
export * from './sql-type.ts'
export { Decimal, fitDecimal, isDecimal } from './decimal.ts'
export { RecordError, isRecordError } from './record-error.ts'
export {
  canCast,
  castNotSupportedMessage,
  castValue,
  createCaster,
  formatAsString,
  parseJavaDouble,
} from './cast.ts'
export {
  arithmeticResultType,
  asDecimalType,
  canImplicitlyCast,
  numericRank,
  widerNumeric,
  type ArithmeticOperator,
} from './implicit-cast.ts'
export { createArithmetic, coerceNumber } from './arithmetic.ts'
export {
  createCoercer,
  numericLiteralType,
  parseSqlBoolean,
  resolveCommonType,
  type CoercionItem,
  type CommonTypeResult,
} from './coercion.ts'
export { formatJavaDouble, formatJavaFloat } from './java-format.ts'
export {
  MS_PER_DAY,
  formatDateText,
  formatTimeText,
  formatTimestampText,
  parseDateText,
  parseTimeText,
  parseTimestampText,
} from './time-text.ts'
