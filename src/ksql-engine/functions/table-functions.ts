import { RecordError } from '../types/record-error.ts'
import type { SqlType } from '../types/sql-type.ts'
import type { ArgumentInfo, Resolution } from './function-types.ts'
import { formatArgTypes } from './signature.ts'

/**
 * Table functions (ksqlDB's UDTFs): called in a SELECT list, each returns zero or more values per
 * input row; the query emits one row per value (see the flatMap step). Resolution mirrors scalar
 * functions: once per call site with the argument types, and a statement error in ksqlDB's wording.
 */
export interface TableFunction {
  readonly name: string
  resolve(args: readonly ArgumentInfo[]): Resolution<ResolvedTableFunction>
}

export interface ResolvedTableFunction {
  /** The type of each value the function returns (EXPLODE(ARRAY<T>) → T). */
  readonly returnType: SqlType
  /** The values for one row; an empty list makes the row disappear. Throws RecordError on bad input. */
  invoke(args: readonly unknown[]): readonly unknown[]
}

const DESCRIBE_HINT = 'For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;'

/** EXPLODE(array): one row per element, in order; a NULL or empty array gives no row. */
function explode(): TableFunction {
  return {
    name: 'EXPLODE',
    resolve(args) {
      const arg = args[0]
      if (args.length === 1 && arg?.type?.kind === 'ARRAY') {
        return {
          ok: true,
          value: {
            returnType: arg.type.element,
            invoke: ([list]) => (Array.isArray(list) ? (list as unknown[]) : []),
          },
        }
      }
      // ksqlDB explodes arrays only; a map gets its wording plus the way to explode one.
      const mapHint =
        args.length === 1 && arg?.type?.kind === 'MAP'
          ? '\nTo explode a map, explode its entries or keys: EXPLODE(ENTRIES(<map>, true)) or EXPLODE(MAP_KEYS(<map>)).'
          : ''
      return {
        ok: false,
        message:
          `Function 'explode' does not accept parameters (${formatArgTypes(args)}).\n` +
          'Valid alternatives are:\nexplode(ARRAY<DECIMAL> input)\nexplode(ARRAY<T> list)\n' +
          DESCRIBE_HINT +
          mapHint,
      }
    },
  }
}

/**
 * CUBE_EXPLODE(array): every combination of the elements with some replaced by NULL (grouping
 * sets), in ksqlDB's order: the all-NULL row first, the array itself last. Elements that are
 * already NULL are not varied (they would only repeat rows).
 */
function cubeExplode(): TableFunction {
  return {
    name: 'CUBE_EXPLODE',
    resolve(args) {
      const arg = args[0]
      if (args.length === 1 && arg?.type?.kind === 'ARRAY') {
        return { ok: true, value: { returnType: arg.type, invoke: ([list]) => cube(list) } }
      }
      return {
        ok: false,
        message:
          `Function 'cube_explode' does not accept parameters (${formatArgTypes(args)}).\n` +
          'Valid alternatives are:\ncube_explode(ARRAY<T> columns)\n' +
          DESCRIBE_HINT,
      }
    },
  }
}

/** ksqlDB caps CUBE_EXPLODE's input so 2^n rows stay bounded. */
const MAX_CUBE_COLUMNS = 20

function cube(list: unknown): unknown[][] {
  if (!Array.isArray(list)) return []
  const columns = list as unknown[]
  if (columns.length > MAX_CUBE_COLUMNS) {
    throw new RecordError(
      `CUBE_EXPLODE input size (${columns.length}) exceeds the maximum of ${MAX_CUBE_COLUMNS} columns. The output cardinality is 2^N rows and would exhaust server memory.`,
    )
  }
  let rows: unknown[][] = [[]]
  for (const value of columns) {
    const next: unknown[][] = []
    for (const row of rows) {
      next.push([...row, null])
      if (value !== null && value !== undefined) next.push([...row, value])
    }
    rows = next
  }
  return rows
}

export function builtinTableFunctions(): TableFunction[] {
  return [explode(), cubeExplode()]
}
