import type { Expression, WindowSpec } from '../expression/nodes.ts'
import type { SqlType } from '../types/sql-type.ts'

/**
 * Readonly AST of the ksqlDB dialect subset the embedded engine supports. The expression nodes live
 * below the parser (expression/nodes.ts) so the runtime can use them without importing the parser.
 */
export type { Expression, ExpressionKind, LiteralType, WindowSpec } from '../expression/nodes.ts'

export type SelectItem =
  | { readonly kind: 'all'; readonly qualifier: string | null }
  /** `struct->*`: one column per field of the struct. */
  | { readonly kind: 'structAll'; readonly struct: Expression }
  | { readonly kind: 'expr'; readonly expr: Expression; readonly alias: string | null }

export type TimeUnitMs = number

/**
 * `WITHIN n unit` (before = after = n) or `WITHIN (before, after)`, with `GRACE PERIOD g` or not
 * (`graceMs` null: ksqlDB's default grace applies).
 */
export interface JoinWithin {
  readonly beforeMs: number
  readonly afterMs: number
  readonly graceMs: number | null
}

/** `[LEFT|RIGHT|FULL [OUTER]|INNER] JOIN name [alias] [WITHIN …] ON criteria`. */
export interface JoinClause {
  readonly type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS'
  /** The WITHIN window of a stream-stream join, or null when none was given. */
  readonly within: JoinWithin | null
  readonly name: string
  readonly alias: string | null
  readonly criteria: Expression
}

export interface Query {
  readonly select: readonly SelectItem[]
  readonly from: { readonly name: string; readonly alias: string | null }
  readonly joins: readonly JoinClause[]
  readonly window: WindowSpec | null
  readonly where: Expression | null
  readonly groupBy: readonly Expression[] | null
  readonly partitionBy: readonly Expression[] | null
  readonly having: Expression | null
  readonly emit: 'CHANGES' | 'FINAL' | null
  readonly limit: number | null
}

export interface TableElement {
  readonly name: string
  readonly type: SqlType
  readonly constraint: 'KEY' | 'PRIMARY KEY' | 'HEADERS' | null
  /** Where the column name appears (1-based column), for "Line: L, Col: C: ..." errors. */
  readonly position: { readonly line: number; readonly column: number }
}

export type PropertyValue = string | number | boolean

export type SourceKind = 'STREAM' | 'TABLE'

export type Statement =
  | {
      readonly kind: 'createSource'
      readonly sourceType: SourceKind
      readonly name: string
      readonly orReplace: boolean
      readonly ifNotExists: boolean
      readonly isSource: boolean
      readonly elements: readonly TableElement[]
      readonly properties: Readonly<Record<string, PropertyValue>>
    }
  | {
      readonly kind: 'createAsSelect'
      readonly sourceType: SourceKind
      readonly name: string
      readonly orReplace: boolean
      readonly ifNotExists: boolean
      readonly properties: Readonly<Record<string, PropertyValue>>
      readonly query: Query
    }
  | {
      readonly kind: 'insertInto'
      readonly target: string
      readonly query: Query
      /** Where the target name appears (1-based column), for "Line: L, Col: C: ..." errors. */
      readonly targetPosition: { readonly line: number; readonly column: number }
    }
  | {
      readonly kind: 'insertValues'
      readonly target: string
      readonly columns: readonly string[] | null
      readonly values: readonly Expression[]
    }
  | { readonly kind: 'select'; readonly query: Query }
  | { readonly kind: 'setProperty'; readonly name: string; readonly value: string }
  | { readonly kind: 'unsetProperty'; readonly name: string }
  | { readonly kind: 'defineVariable'; readonly name: string; readonly value: string }
  | { readonly kind: 'undefineVariable'; readonly name: string }
  | {
      readonly kind: 'show'
      readonly what: 'STREAMS' | 'TABLES' | 'QUERIES' | 'TOPICS' | 'PROPERTIES' | 'VARIABLES' | 'FUNCTIONS'
      readonly extended: boolean
    }
  | { readonly kind: 'describe'; readonly name: string; readonly extended: boolean }
  | {
      readonly kind: 'drop'
      readonly sourceType: SourceKind
      readonly name: string
      readonly ifExists: boolean
      readonly deleteTopic: boolean
    }
  | { readonly kind: 'terminate'; readonly queryId: string | null } // null = ALL
  /** ALTER STREAM|TABLE <name> ...: only the target is kept (the engine refuses the operations). */
  | { readonly kind: 'alter'; readonly sourceType: SourceKind; readonly name: string }
  /** EXPLAIN <query id> (statement null) or EXPLAIN <statement> (queryId null). */
  | { readonly kind: 'explain'; readonly queryId: string | null; readonly statement: Statement | null }

export type StatementKind = Statement['kind']

/** A parsed statement plus the exact text it came from (for error responses and SHOW QUERIES). */
export interface ParsedStatement {
  readonly statement: Statement
  readonly text: string
}
