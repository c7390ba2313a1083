import type { SqlType, StructField } from '../types/sql-type.ts'
import type { Expression } from './ast.ts'
import type { Token } from './lexer.ts'
import { checkNumericLiteral } from './numeric-literal.ts'
import { ParseError } from './parse-error.ts'
import { TokenCursor } from './token-cursor.ts'

/** The primitive types that may carry ksqlDB's ignored `(typeParameter, ...)` suffix. */
const PARAMETERIZED_BASE_TYPES: ReadonlySet<string> = new Set([
  'BOOLEAN',
  'INT',
  'INTEGER',
  'BIGINT',
  'DOUBLE',
  'STRING',
  'VARCHAR',
  'BYTES',
  'TIMESTAMP',
  'DATE',
  'TIME',
])

/** Types and expressions: the grammar below queries and statements. */
export class ExpressionParser extends TokenCursor {
  // ---------------------------------------------------------------- types
  type(): SqlType {
    const t = this.peek()
    if (t.type !== 'ident' && t.type !== 'quoted') return this.fail('a type')
    this.next()
    if (PARAMETERIZED_BASE_TYPES.has(t.text) && this.isSymbol('(')) this.typeParameters()
    switch (t.text) {
      case 'BOOLEAN':
        return { kind: 'BOOLEAN' }
      case 'INT':
      case 'INTEGER':
        return { kind: 'INTEGER' }
      case 'BIGINT':
        return { kind: 'BIGINT' }
      case 'DOUBLE':
        return { kind: 'DOUBLE' }
      case 'STRING':
        return { kind: 'STRING' }
      case 'VARCHAR':
        return { kind: 'STRING' }
      case 'BYTES':
        return { kind: 'BYTES' }
      case 'TIMESTAMP':
        return { kind: 'TIMESTAMP' }
      case 'DATE':
        return { kind: 'DATE' }
      case 'TIME':
        return { kind: 'TIME' }
      case 'DECIMAL': {
        this.expectSymbol('(')
        const precision = this.integer()
        this.expectSymbol(',')
        const scale = this.integer()
        this.expectSymbol(')')
        return { kind: 'DECIMAL', precision, scale }
      }
      case 'ARRAY': {
        this.expectSymbol('<')
        const element = this.type()
        this.expectSymbol('>')
        return { kind: 'ARRAY', element }
      }
      case 'MAP': {
        this.expectSymbol('<')
        const key = this.type()
        this.expectSymbol(',')
        const value = this.type()
        this.expectSymbol('>')
        return { kind: 'MAP', key, value }
      }
      case 'STRUCT': {
        this.expectSymbol('<')
        const fields: StructField[] = []
        if (!this.isSymbol('>')) {
          do {
            const name = this.identifier('a field name')
            fields.push({ name, type: this.type() })
          } while (this.acceptSymbol(','))
        }
        this.expectSymbol('>')
        return { kind: 'STRUCT', fields }
      }
      default:
        return this.fail(
          "{'BOOLEAN', 'INT', 'INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL', 'STRING', 'VARCHAR', 'BYTES', 'TIMESTAMP', 'DATE', 'TIME', 'ARRAY', 'MAP', 'STRUCT'}",
          t,
        )
    }
  }

  // ---------------------------------------------------------------- queries
  // ---------------------------------------------------------------- expressions
  expression(): Expression {
    return this.or()
  }

  protected or(): Expression {
    let left = this.and()
    while (this.acceptWord('OR')) left = { kind: 'logical', op: 'OR', left, right: this.and() }
    return left
  }

  protected and(): Expression {
    let left = this.not()
    while (this.acceptWord('AND')) left = { kind: 'logical', op: 'AND', left, right: this.not() }
    return left
  }

  protected not(): Expression {
    if (this.acceptWord('NOT')) return { kind: 'not', operand: this.not() }
    return this.predicate()
  }

  protected predicate(): Expression {
    const left = this.additive()
    const t = this.peek()
    if (t.type === 'symbol' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.next()
      const op = t.text === '!=' ? '<>' : (t.text as '=' | '<>' | '<' | '<=' | '>' | '>=')
      return { kind: 'comparison', op, left, right: this.additive() }
    }
    if (this.acceptWord('IS')) {
      const negated = this.acceptWord('NOT')
      if (this.acceptWord('NULL')) return { kind: 'isNull', operand: left, negated }
      if (this.acceptWord('DISTINCT')) {
        this.expectWord('FROM')
        return {
          kind: 'comparison',
          op: negated ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM',
          left,
          right: this.additive(),
        }
      }
      return this.fail("{'NULL', 'DISTINCT'}")
    }
    const negated =
      this.isWord('NOT') && (this.isWord('BETWEEN', 1) || this.isWord('IN', 1) || this.isWord('LIKE', 1))
    if (negated) this.next()
    if (this.acceptWord('BETWEEN')) {
      const low = this.additive()
      this.expectWord('AND')
      return { kind: 'between', operand: left, low, high: this.additive(), negated }
    }
    if (this.acceptWord('IN')) {
      this.expectSymbol('(')
      const list = [this.expression()]
      while (this.acceptSymbol(',')) list.push(this.expression())
      this.expectSymbol(')')
      return { kind: 'in', operand: left, list, negated }
    }
    if (this.acceptWord('LIKE')) {
      const pattern = this.additive()
      let escape: string | null = null
      if (this.acceptWord('ESCAPE')) escape = this.stringLiteral()
      return { kind: 'like', operand: left, pattern, escape, negated }
    }
    return left
  }

  protected additive(): Expression {
    let left = this.multiplicative()
    for (;;) {
      if (this.acceptSymbol('+')) left = { kind: 'arith', op: '+', left, right: this.multiplicative() }
      else if (this.acceptSymbol('-')) left = { kind: 'arith', op: '-', left, right: this.multiplicative() }
      else if (this.acceptSymbol('||')) left = { kind: 'concatOp', left, right: this.multiplicative() }
      else return left
    }
  }

  protected multiplicative(): Expression {
    let left = this.unary()
    for (;;) {
      if (this.acceptSymbol('*')) left = { kind: 'arith', op: '*', left, right: this.unary() }
      else if (this.acceptSymbol('/')) left = { kind: 'arith', op: '/', left, right: this.unary() }
      else if (this.acceptSymbol('%')) left = { kind: 'arith', op: '%', left, right: this.unary() }
      else return left
    }
  }

  /**
   * ksqlDB's grammar accepts `baseType '(' typeParameter (',' typeParameter)* ')'` with a parameter
   * an integer or the word STRING (e.g. `VARCHAR(STRING)`), and ignores the parameters.
   */
  private typeParameters(): void {
    this.expectSymbol('(')
    do {
      const t = this.peek()
      if (t.type !== 'integer' && !(t.type === 'ident' && t.text === 'STRING'))
        throw new ParseError(t.line, t.column, "Syntax Error\nExpecting {'STRING', INTEGER_VALUE}")
      this.next()
    } while (this.acceptSymbol(','))
    this.expectSymbol(')')
  }

  protected unary(): Expression {
    if (this.acceptSymbol('-')) {
      checkNumericLiteral(this.peek(), '-')
      const operand = this.unary()
      if (operand.kind === 'literal' && typeof operand.value === 'number') {
        return negativeLiteral(operand)
      }
      if (operand.kind === 'literal' && operand.type === 'DECIMAL' && typeof operand.value === 'string') {
        return { ...operand, value: `-${operand.value}` }
      }
      return { kind: 'negate', operand }
    }
    if (this.acceptSymbol('+')) return this.unary()
    return this.postfix()
  }

  protected postfix(): Expression {
    let expr = this.primary()
    for (;;) {
      if (this.isSymbol('->') && this.isSymbol('*', 1)) return expr
      if (this.acceptSymbol('->'))
        expr = { kind: 'deref', base: expr, field: this.identifier('a field name') }
      else if (this.acceptSymbol('[')) {
        const index = this.expression()
        this.expectSymbol(']')
        expr = { kind: 'subscript', base: expr, index }
      } else return expr
    }
  }

  protected primary(): Expression {
    const t = this.peek()
    switch (t.type) {
      case 'integer': {
        checkNumericLiteral(t, '')
        this.next()
        const n = Number(t.text)
        if (n > 2147483647) return { kind: 'literal', type: 'BIGINT', value: n }
        return { kind: 'literal', type: 'INTEGER', value: n }
      }
      case 'decimal':
        this.next()
        return { kind: 'literal', type: 'DECIMAL', value: t.text }
      case 'double':
        checkNumericLiteral(t, '')
        this.next()
        return { kind: 'literal', type: 'DOUBLE', value: Number(t.text) }
      case 'string':
        this.next()
        return { kind: 'literal', type: 'STRING', value: t.text }
      case 'symbol':
        if (t.text === '(') {
          const lambda = this.tryLambdaParams()
          if (lambda !== null) return { kind: 'lambda', params: lambda, body: this.expression() }
          this.next()
          const inner = this.expression()
          this.expectSymbol(')')
          return inner
        }
        return this.fail('an expression')
      case 'quoted':
        return this.columnReference()
      case 'ident':
        return this.identifierExpression(t)
      case 'eof':
        return this.fail('an expression')
    }
  }

  protected identifierExpression(t: Token): Expression {
    switch (t.text) {
      case 'NULL':
        this.next()
        return { kind: 'literal', type: 'NULL', value: null }
      case 'TRUE':
      case 'FALSE':
        this.next()
        return { kind: 'literal', type: 'BOOLEAN', value: t.text === 'TRUE' }
      case 'CASE':
        return this.caseExpression()
      case 'CAST': {
        if (!this.isSymbol('(', 1)) break
        this.next()
        this.next()
        const operand = this.expression()
        this.expectWord('AS')
        const type = this.type()
        this.expectSymbol(')')
        return { kind: 'cast', operand, type }
      }
      case 'ARRAY':
        if (this.isSymbol('[', 1)) {
          this.next()
          this.next()
          const items: Expression[] = []
          if (!this.isSymbol(']')) {
            items.push(this.expression())
            while (this.acceptSymbol(',')) items.push(this.expression())
          }
          this.expectSymbol(']')
          return { kind: 'arrayCtor', items }
        }
        break
      case 'MAP':
        if (this.isSymbol('(', 1)) {
          this.next()
          this.next()
          const entries: { key: Expression; value: Expression }[] = []
          if (!this.isSymbol(')')) {
            do {
              const key = this.expression()
              this.expectSymbol(':=')
              entries.push({ key, value: this.expression() })
            } while (this.acceptSymbol(','))
          }
          this.expectSymbol(')')
          return { kind: 'mapCtor', entries }
        }
        break
      case 'STRUCT':
        if (this.isSymbol('(', 1)) {
          this.next()
          this.next()
          const fields: { name: string; value: Expression }[] = []
          if (!this.isSymbol(')')) {
            do {
              const name = this.identifier('a field name')
              this.expectSymbol(':=')
              fields.push({ name, value: this.expression() })
            } while (this.acceptSymbol(','))
          }
          this.expectSymbol(')')
          return { kind: 'structCtor', fields }
        }
        break
      default:
        break
    }
    if (this.isSymbol('=>', 1)) {
      const param = this.identifier()
      this.next()
      return { kind: 'lambda', params: [param], body: this.expression() }
    }
    if (this.isSymbol('(', 1)) return this.functionCall()
    return this.columnReference()
  }

  /** `(a, b) =>`: consumes the parameter list and arrow when present. */
  protected tryLambdaParams(): string[] | null {
    let i = 1
    const params: string[] = []
    for (;;) {
      const t = this.peek(i)
      if (t.type !== 'ident' && t.type !== 'quoted') return null
      params.push(t.text)
      i++
      if (this.isSymbol(',', i)) {
        i++
        continue
      }
      if (this.isSymbol(')', i) && this.isSymbol('=>', i + 1)) break
      return null
    }
    this.pos += i + 2
    return params
  }

  protected functionCall(): Expression {
    const name = this.identifier()
    this.expectSymbol('(')
    if (this.acceptSymbol('*')) {
      this.expectSymbol(')')
      return { kind: 'call', name, args: [], star: true }
    }
    const args: Expression[] = []
    if (!this.isSymbol(')')) {
      args.push(this.expression())
      while (this.acceptSymbol(',')) args.push(this.expression())
    }
    this.expectSymbol(')')
    return { kind: 'call', name, args, star: false }
  }

  protected columnReference(): Expression {
    const first = this.identifier()
    if (this.isSymbol('.') && (this.peek(1).type === 'ident' || this.peek(1).type === 'quoted')) {
      this.next()
      return { kind: 'column', qualifier: first, name: this.identifier() }
    }
    return { kind: 'column', qualifier: null, name: first }
  }

  protected caseExpression(): Expression {
    this.expectWord('CASE')
    const operand = this.isWord('WHEN') ? null : this.expression()
    const whens: { when: Expression; then: Expression }[] = []
    while (this.acceptWord('WHEN')) {
      const when = this.expression()
      this.expectWord('THEN')
      whens.push({ when, then: this.expression() })
    }
    if (whens.length === 0) this.fail("'WHEN'")
    let otherwise: Expression | null = null
    if (this.acceptWord('ELSE')) otherwise = this.expression()
    this.expectWord('END')
    return { kind: 'case', operand, whens, otherwise }
  }
}

function negativeLiteral(literal: Expression & { kind: 'literal' }): Expression {
  const value = -(literal.value as number)
  if (literal.type === 'BIGINT' && value >= -2147483648) return { kind: 'literal', type: 'INTEGER', value }
  return { ...literal, value }
}
