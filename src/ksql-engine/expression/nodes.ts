import type { SqlType } from '../types/sql-type.ts'

/**
 * Expression nodes and window specs: the bottom of the engine. The parser builds them, the analyzer
 * and planner carry them, the runtime compiles them; none of those layers has to import another for them.
 */
export type LiteralType = 'INTEGER' | 'BIGINT' | 'DECIMAL' | 'DOUBLE' | 'STRING' | 'BOOLEAN' | 'NULL'

export type Expression =
  | { readonly kind: 'literal'; readonly type: LiteralType; readonly value: string | number | boolean | null }
  | { readonly kind: 'column'; readonly qualifier: string | null; readonly name: string }
  | { readonly kind: 'deref'; readonly base: Expression; readonly field: string }
  | { readonly kind: 'subscript'; readonly base: Expression; readonly index: Expression }
  | {
      readonly kind: 'arith'
      readonly op: '+' | '-' | '*' | '/' | '%'
      readonly left: Expression
      readonly right: Expression
    }
  | { readonly kind: 'concatOp'; readonly left: Expression; readonly right: Expression }
  | {
      readonly kind: 'comparison'
      readonly op: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM'
      readonly left: Expression
      readonly right: Expression
    }
  | {
      readonly kind: 'logical'
      readonly op: 'AND' | 'OR'
      readonly left: Expression
      readonly right: Expression
    }
  | { readonly kind: 'not'; readonly operand: Expression }
  | { readonly kind: 'negate'; readonly operand: Expression }
  | { readonly kind: 'isNull'; readonly operand: Expression; readonly negated: boolean }
  | {
      readonly kind: 'between'
      readonly operand: Expression
      readonly low: Expression
      readonly high: Expression
      readonly negated: boolean
    }
  | {
      readonly kind: 'in'
      readonly operand: Expression
      readonly list: readonly Expression[]
      readonly negated: boolean
    }
  | {
      readonly kind: 'like'
      readonly operand: Expression
      readonly pattern: Expression
      readonly escape: string | null
      readonly negated: boolean
    }
  | {
      readonly kind: 'case'
      readonly operand: Expression | null
      readonly whens: readonly { readonly when: Expression; readonly then: Expression }[]
      readonly otherwise: Expression | null
    }
  | { readonly kind: 'cast'; readonly operand: Expression; readonly type: SqlType }
  | {
      readonly kind: 'call'
      readonly name: string
      readonly args: readonly Expression[]
      readonly star: boolean
    }
  | { readonly kind: 'arrayCtor'; readonly items: readonly Expression[] }
  | {
      readonly kind: 'mapCtor'
      readonly entries: readonly { readonly key: Expression; readonly value: Expression }[]
    }
  | {
      readonly kind: 'structCtor'
      readonly fields: readonly { readonly name: string; readonly value: Expression }[]
    }
  | { readonly kind: 'lambda'; readonly params: readonly string[]; readonly body: Expression }

export type ExpressionKind = Expression['kind']

export interface WindowSpec {
  readonly type: 'TUMBLING' | 'HOPPING' | 'SESSION'
  readonly sizeMs: number
  readonly advanceMs: number | null
  readonly graceMs: number | null
  readonly retentionMs: number | null
}
