import type { SqlType, StructField } from '../types/sql-type.ts'
import type {
  Expression,
  JoinClause,
  JoinWithin,
  ParsedStatement,
  PropertyValue,
  Query,
  SelectItem,
  SourceKind,
  Statement,
  TableElement,
  WindowSpec,
} from './ast.ts'
import { tokenize, type Token } from './lexer.ts'
import { ParseError } from './parse-error.ts'
import type { StatementSlice } from './split-statements.ts'

/** Thrown for statements ksqlDB has but the embedded engine does not implement. */
export class UnsupportedStatementError extends Error {
  readonly feature: string
  constructor(feature: string) {
    super(`not supported by the embedded engine: ${feature}`)
    this.name = 'UnsupportedStatementError'
    this.feature = feature
  }
}

const RESERVED_AFTER_EXPRESSION = new Set([
  'FROM',
  'WHERE',
  'GROUP',
  'HAVING',
  'WINDOW',
  'PARTITION',
  'EMIT',
  'LIMIT',
  'AS',
  'AND',
  'OR',
  'THEN',
  'WHEN',
  'ELSE',
  'END',
  'JOIN',
  'LEFT',
  'INNER',
  'FULL',
  'RIGHT',
  'OUTER',
  'ON',
  'WITHIN',
  'IS',
  'NOT',
  'BETWEEN',
  'IN',
  'LIKE',
  'ESCAPE',
  'BY',
  'SELECT',
  'CROSS',
])

const TIME_UNITS: Readonly<Record<string, number>> = {
  MILLISECOND: 1,
  MILLISECONDS: 1,
  SECOND: 1000,
  SECONDS: 1000,
  MINUTE: 60_000,
  MINUTES: 60_000,
  HOUR: 3_600_000,
  HOURS: 3_600_000,
  DAY: 86_400_000,
  DAYS: 86_400_000,
}

/** Parses one statement slice (see splitStatements) into an AST statement. */
export function parseStatement(slice: StatementSlice): ParsedStatement {
  const parser = new Parser(tokenize(slice.text, slice.line, slice.column))
  const statement = parser.statement()
  return { statement, text: slice.text }
}

class Parser {
  private pos = 0
  private readonly tokens: readonly Token[]

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens
  }

  // ---------------------------------------------------------------- token helpers
  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token
  }
  private next(): Token {
    const t = this.peek()
    if (this.pos < this.tokens.length - 1) this.pos++
    return t
  }
  private isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead)
    return t.type === 'ident' && t.text === word
  }
  private isSymbol(symbol: string, ahead = 0): boolean {
    const t = this.peek(ahead)
    return t.type === 'symbol' && t.text === symbol
  }
  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false
    this.next()
    return true
  }
  private acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false
    this.next()
    return true
  }
  private fail(expected: string, token: Token = this.peek()): never {
    const near = token.type === 'eof' ? '<EOF>' : token.raw
    throw new ParseError(
      token.line,
      token.column,
      `Syntax Error\nmismatched input '${near}' expecting ${expected}\nSyntax error at or near '${near}' at line ${token.line}:${token.column + 1}`,
    )
  }
  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(`'${word}'`)
  }
  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) {
      if (symbol === ')') {
        const t = this.peek()
        throw new ParseError(t.line, t.column, `Syntax Error\nmissing ')' at '${t.raw || '<EOF>'}'`)
      }
      this.fail(`'${symbol}'`)
    }
  }
  private identifier(what = 'an identifier'): string {
    const t = this.peek()
    if (t.type === 'ident' || t.type === 'quoted') {
      this.next()
      return t.text
    }
    return this.fail(what)
  }
  private integer(): number {
    const t = this.next()
    if (t.type !== 'integer') this.fail('an integer', t)
    return Number(t.text)
  }

  // ---------------------------------------------------------------- statements
  statement(): Statement {
    const statement = this.statementBody()
    this.acceptSymbol(';')
    if (this.peek().type !== 'eof') this.fail("';'")
    return statement
  }

  private statementBody(): Statement {
    const t = this.peek()
    if (t.type !== 'ident') return this.fail('a statement')
    switch (t.text) {
      case 'CREATE':
        return this.create()
      case 'INSERT':
        return this.insert()
      case 'SELECT':
        return { kind: 'select', query: this.query() }
      case 'SET':
        return this.set()
      case 'UNSET': {
        this.next()
        return { kind: 'unsetProperty', name: this.stringLiteral() }
      }
      case 'DEFINE': {
        this.next()
        const name = this.identifier()
        this.expectSymbol('=')
        return { kind: 'defineVariable', name, value: this.stringLiteral() }
      }
      case 'UNDEFINE':
        this.next()
        return { kind: 'undefineVariable', name: this.identifier() }
      case 'SHOW':
      case 'LIST':
        return this.show()
      case 'DESCRIBE':
        return this.describe()
      case 'DROP':
        return this.drop()
      case 'TERMINATE': {
        this.next()
        if (this.acceptWord('ALL')) return { kind: 'terminate', queryId: null }
        return { kind: 'terminate', queryId: this.identifier('a query id') }
      }
      case 'EXPLAIN': {
        this.next()
        const inner = this.peek()
        const explainable = inner.type === 'ident' && ['CREATE', 'INSERT', 'SELECT'].includes(inner.text)
        if (explainable && !(this.peek(1).type === 'eof' || this.isSymbol(';', 1)))
          return { kind: 'explain', queryId: null, statement: this.statementBody() }
        return { kind: 'explain', queryId: this.identifier('a query id or a statement'), statement: null }
      }
      case 'PRINT':
      case 'ALTER':
      case 'PAUSE':
      case 'RESUME':
      case 'ASSERT':
        throw new UnsupportedStatementError(t.text)
      default:
        return this.fail(
          "{'CREATE', 'INSERT', 'SELECT', 'SET', 'UNSET', 'DEFINE', 'UNDEFINE', 'SHOW', 'LIST', 'DESCRIBE', 'DROP', 'TERMINATE'}",
        )
    }
  }

  private stringLiteral(): string {
    const t = this.next()
    if (t.type !== 'string') this.fail('a string literal', t)
    return t.text
  }

  private set(): Statement {
    this.next()
    const name = this.stringLiteral()
    this.expectSymbol('=')
    return { kind: 'setProperty', name, value: this.stringLiteral() }
  }

  private show(): Statement {
    this.next()
    this.acceptWord('ALL')
    const word = this.identifier()
    const map: Readonly<
      Record<string, 'STREAMS' | 'TABLES' | 'QUERIES' | 'TOPICS' | 'PROPERTIES' | 'VARIABLES' | 'FUNCTIONS'>
    > = {
      STREAMS: 'STREAMS',
      TABLES: 'TABLES',
      QUERIES: 'QUERIES',
      TOPICS: 'TOPICS',
      PROPERTIES: 'PROPERTIES',
      VARIABLES: 'VARIABLES',
      FUNCTIONS: 'FUNCTIONS',
    }
    const what = map[word]
    if (what === undefined) {
      if (['CONNECTORS', 'TYPES', 'STATUS'].includes(word))
        throw new UnsupportedStatementError(`SHOW ${word}`)
      return this.fail("{'STREAMS', 'TABLES', 'QUERIES', 'TOPICS', 'PROPERTIES', 'VARIABLES', 'FUNCTIONS'}")
    }
    const extended = this.acceptWord('EXTENDED')
    return { kind: 'show', what, extended }
  }

  private describe(): Statement {
    this.next()
    if (this.isWord('CONNECTOR') || this.isWord('FUNCTION'))
      throw new UnsupportedStatementError(`DESCRIBE ${this.peek().text}`)
    if (
      (this.isWord('STREAMS') || this.isWord('TABLES')) &&
      (this.peek(1).type === 'eof' || this.isSymbol(';', 1) || this.isWord('EXTENDED', 1))
    ) {
      throw new UnsupportedStatementError(`DESCRIBE ${this.peek().text}`)
    }
    const name = this.identifier('a source name')
    return { kind: 'describe', name, extended: this.acceptWord('EXTENDED') }
  }

  private drop(): Statement {
    this.next()
    let sourceType: SourceKind
    if (this.acceptWord('STREAM')) sourceType = 'STREAM'
    else if (this.acceptWord('TABLE')) sourceType = 'TABLE'
    else if (this.isWord('CONNECTOR') || this.isWord('TYPE'))
      throw new UnsupportedStatementError(`DROP ${this.peek().text}`)
    else return this.fail("{'STREAM', 'TABLE'}")
    let ifExists = false
    if (this.acceptWord('IF')) {
      this.expectWord('EXISTS')
      ifExists = true
    }
    const name = this.identifier('a source name')
    let deleteTopic = false
    if (this.acceptWord('DELETE')) {
      this.expectWord('TOPIC')
      deleteTopic = true
    }
    return { kind: 'drop', sourceType, name, ifExists, deleteTopic }
  }

  private insert(): Statement {
    this.next()
    this.expectWord('INTO')
    const targetToken = this.peek()
    const target = this.identifier('a stream name')
    if (this.isSymbol('(') || this.isWord('VALUES')) {
      let columns: string[] | null = null
      if (this.acceptSymbol('(')) {
        columns = [this.identifier()]
        while (this.acceptSymbol(',')) columns.push(this.identifier())
        this.expectSymbol(')')
      }
      this.expectWord('VALUES')
      this.expectSymbol('(')
      const values: Expression[] = []
      if (!this.isSymbol(')')) {
        values.push(this.expression())
        while (this.acceptSymbol(',')) values.push(this.expression())
      }
      this.expectSymbol(')')
      return { kind: 'insertValues', target, columns, values }
    }
    if (this.isWord('WITH')) this.withProperties()
    return {
      kind: 'insertInto',
      target,
      query: this.query(),
      targetPosition: { line: targetToken.line, column: targetToken.column + 1 },
    }
  }

  private create(): Statement {
    this.next()
    let orReplace = false
    if (this.acceptWord('OR')) {
      this.expectWord('REPLACE')
      orReplace = true
    }
    const isSource = this.acceptWord('SOURCE')
    let sourceType: SourceKind
    if (this.acceptWord('STREAM')) sourceType = 'STREAM'
    else if (this.acceptWord('TABLE')) sourceType = 'TABLE'
    else if (this.isWord('CONNECTOR') || this.isWord('TYPE') || this.isWord('SINK')) {
      throw new UnsupportedStatementError(`CREATE ${this.peek().text}`)
    } else return this.fail("{'STREAM', 'TABLE'}")
    let ifNotExists = false
    if (this.acceptWord('IF')) {
      this.expectWord('NOT')
      this.expectWord('EXISTS')
      ifNotExists = true
    }
    const name = this.identifier('a source name')
    const elements: TableElement[] = []
    if (this.acceptSymbol('(')) {
      elements.push(this.tableElement())
      while (this.acceptSymbol(',')) elements.push(this.tableElement())
      this.expectSymbol(')')
    }
    const properties = this.isWord('WITH') ? this.withProperties() : {}
    if (this.acceptWord('AS')) {
      if (elements.length > 0) this.fail("'WITH'")
      const query = this.query()
      return { kind: 'createAsSelect', sourceType, name, orReplace, ifNotExists, properties, query }
    }
    return { kind: 'createSource', sourceType, name, orReplace, ifNotExists, isSource, elements, properties }
  }

  private tableElement(): TableElement {
    const nameToken = this.peek()
    const name = this.identifier('a column name')
    const type = this.type()
    let constraint: TableElement['constraint'] = null
    if (this.acceptWord('PRIMARY')) {
      this.expectWord('KEY')
      constraint = 'PRIMARY KEY'
    } else if (this.acceptWord('KEY')) constraint = 'KEY'
    else if (this.acceptWord('HEADERS') || this.acceptWord('HEADER')) {
      throw new UnsupportedStatementError('HEADERS columns')
    }
    return { name, type, constraint, position: { line: nameToken.line, column: nameToken.column + 1 } }
  }

  private withProperties(): Record<string, PropertyValue> {
    this.expectWord('WITH')
    this.expectSymbol('(')
    const properties: Record<string, PropertyValue> = {}
    do {
      const name = this.identifier('a property name')
      this.expectSymbol('=')
      const t = this.next()
      if (t.type === 'string') properties[name] = t.text
      else if (t.type === 'integer' || t.type === 'decimal' || t.type === 'double')
        properties[name] = Number(t.text)
      else if (t.type === 'symbol' && t.text === '-' && this.peek().type === 'integer')
        properties[name] = -Number(this.next().text)
      else if (t.type === 'ident' && (t.text === 'TRUE' || t.text === 'FALSE'))
        properties[name] = t.text === 'TRUE'
      else if (t.type === 'ident' || t.type === 'quoted') properties[name] = t.text
      else this.fail('a literal', t)
    } while (this.acceptSymbol(','))
    this.expectSymbol(')')
    return properties
  }

  // ---------------------------------------------------------------- types
  type(): SqlType {
    const t = this.peek()
    if (t.type !== 'ident' && t.type !== 'quoted') return this.fail('a type')
    this.next()
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
  query(): Query {
    this.expectWord('SELECT')
    const select: SelectItem[] = [this.selectItem()]
    while (this.acceptSymbol(',')) select.push(this.selectItem())
    this.expectWord('FROM')
    const fromName = this.identifier('a source name')
    let alias: string | null = null
    if (this.acceptWord('AS')) alias = this.identifier()
    else if (
      (this.peek().type === 'ident' && !RESERVED_AFTER_EXPRESSION.has(this.peek().text)) ||
      this.peek().type === 'quoted'
    ) {
      alias = this.identifier()
    }
    const joins: JoinClause[] = []
    while (['JOIN', 'LEFT', 'INNER', 'FULL', 'RIGHT', 'OUTER', 'CROSS'].some((w) => this.isWord(w))) {
      joins.push(this.joinClause())
    }
    let window: WindowSpec | null = null
    if (this.acceptWord('WINDOW')) window = this.windowSpec()
    let where: Expression | null = null
    if (this.acceptWord('WHERE')) where = this.expression()
    let groupBy: Expression[] | null = null
    let partitionBy: Expression[] | null = null
    if (this.isWord('GROUP')) {
      this.next()
      this.expectWord('BY')
      groupBy = this.groupingList()
    }
    if (this.isWord('PARTITION')) {
      this.next()
      this.expectWord('BY')
      if (this.isSymbol('(') && this.isSymbol(')', 1)) {
        this.next()
        this.next()
        partitionBy = []
      } else {
        partitionBy = [this.additive()]
        while (this.acceptSymbol(',')) partitionBy.push(this.additive())
      }
    }
    let having: Expression | null = null
    if (this.acceptWord('HAVING')) having = this.expression()
    let emit: Query['emit'] = null
    if (this.acceptWord('EMIT')) {
      if (this.acceptWord('CHANGES')) emit = 'CHANGES'
      else if (this.acceptWord('FINAL')) emit = 'FINAL'
      else this.fail("{'CHANGES', 'FINAL'}")
    }
    let limit: number | null = null
    if (this.acceptWord('LIMIT')) limit = this.integer()
    return {
      select,
      from: { name: fromName, alias },
      joins,
      window,
      where,
      groupBy,
      partitionBy,
      having,
      emit,
      limit,
    }
  }

  private joinClause(): JoinClause {
    const words: string[] = []
    while (!this.isWord('JOIN')) {
      if (this.peek().type === 'eof') this.fail("'JOIN'")
      words.push(this.next().text.toUpperCase())
    }
    const type: JoinClause['type'] = words.includes('LEFT')
      ? 'LEFT'
      : words.includes('RIGHT')
        ? 'RIGHT'
        : words.includes('FULL')
          ? 'FULL'
          : words.includes('CROSS')
            ? 'CROSS'
            : 'INNER'
    this.next()
    const name = this.identifier('a source name')
    let alias: string | null = null
    if (this.acceptWord('AS')) alias = this.identifier()
    else if (
      this.peek().type === 'quoted' ||
      (this.peek().type === 'ident' && !['WITHIN', 'ON'].includes(this.peek().text))
    ) {
      alias = this.identifier()
    }
    const within = this.acceptWord('WITHIN') ? this.joinWithin() : null
    this.expectWord('ON')
    return { type, name, alias, within, criteria: this.expression() }
  }

  private joinWithin(): JoinWithin {
    let beforeMs: number
    let afterMs: number
    if (this.acceptSymbol('(')) {
      beforeMs = this.duration()
      this.expectSymbol(',')
      afterMs = this.duration()
      this.expectSymbol(')')
    } else {
      beforeMs = this.duration()
      afterMs = beforeMs
    }
    let graceMs: number | null = null
    if (this.acceptWord('GRACE')) {
      this.expectWord('PERIOD')
      graceMs = this.duration()
    }
    return { beforeMs, afterMs, graceMs }
  }

  private groupingList(): Expression[] {
    if (this.acceptSymbol('(')) {
      if (this.acceptSymbol(')')) return []
      const list = [this.expression()]
      while (this.acceptSymbol(',')) list.push(this.expression())
      this.expectSymbol(')')
      // `GROUP BY (a)` is the parenthesised expression a, `(a, b)` a list; either way a list works.
      return list
    }
    const list = [this.additive()]
    while (this.acceptSymbol(',')) list.push(this.additive())
    return list
  }

  private selectItem(): SelectItem {
    if (this.acceptSymbol('*')) return { kind: 'all', qualifier: null }
    if (
      (this.peek().type === 'ident' || this.peek().type === 'quoted') &&
      this.isSymbol('.', 1) &&
      this.isSymbol('*', 2)
    ) {
      const qualifier = this.identifier()
      this.next()
      this.next()
      return { kind: 'all', qualifier }
    }
    const expr = this.expression()
    if (this.isSymbol('->') && this.isSymbol('*', 1)) {
      this.next()
      this.next()
      return { kind: 'structAll', struct: expr }
    }
    let alias: string | null = null
    if (this.acceptWord('AS')) alias = this.identifier('an alias')
    else if (
      (this.peek().type === 'ident' && !RESERVED_AFTER_EXPRESSION.has(this.peek().text)) ||
      this.peek().type === 'quoted'
    ) {
      alias = this.identifier()
    }
    return { kind: 'expr', expr, alias }
  }

  private duration(): number {
    const amount = this.integer()
    const unitToken = this.peek()
    const unit = this.identifier('a time unit')
    const factor = TIME_UNITS[unit]
    if (factor === undefined)
      this.fail(
        "{'MILLISECOND', 'MILLISECONDS', 'SECOND', 'SECONDS', 'MINUTE', 'MINUTES', 'HOUR', 'HOURS', 'DAY', 'DAYS'}",
        unitToken,
      )
    return amount * factor
  }

  private windowSpec(): WindowSpec {
    // An optional window name may precede the type: WINDOW w TUMBLING (...).
    if (this.peek().type === 'ident' && ['TUMBLING', 'HOPPING', 'SESSION'].includes(this.peek(1).text))
      this.next()
    const typeWord = this.identifier('a window type')
    if (typeWord !== 'TUMBLING' && typeWord !== 'HOPPING' && typeWord !== 'SESSION') {
      return this.fail("{'TUMBLING', 'HOPPING', 'SESSION'}")
    }
    this.expectSymbol('(')
    let sizeMs = 0
    let advanceMs: number | null = null
    let graceMs: number | null = null
    let retentionMs: number | null = null
    if (typeWord === 'SESSION') sizeMs = this.duration()
    let first = typeWord !== 'SESSION'
    while (first || this.acceptSymbol(',')) {
      first = false
      if (this.acceptWord('SIZE')) sizeMs = this.duration()
      else if (this.acceptWord('ADVANCE')) {
        this.expectWord('BY')
        advanceMs = this.duration()
      } else if (this.acceptWord('RETENTION')) retentionMs = this.duration()
      else if (this.acceptWord('GRACE')) {
        this.expectWord('PERIOD')
        graceMs = this.duration()
      } else this.fail("{'SIZE', 'ADVANCE', 'RETENTION', 'GRACE'}")
    }
    this.expectSymbol(')')
    if (typeWord === 'HOPPING' && advanceMs === null) this.fail("'ADVANCE'")
    return {
      type: typeWord,
      sizeMs,
      advanceMs: typeWord === 'TUMBLING' ? sizeMs : advanceMs,
      graceMs,
      retentionMs,
    }
  }

  // ---------------------------------------------------------------- expressions
  expression(): Expression {
    return this.or()
  }

  private or(): Expression {
    let left = this.and()
    while (this.acceptWord('OR')) left = { kind: 'logical', op: 'OR', left, right: this.and() }
    return left
  }

  private and(): Expression {
    let left = this.not()
    while (this.acceptWord('AND')) left = { kind: 'logical', op: 'AND', left, right: this.not() }
    return left
  }

  private not(): Expression {
    if (this.acceptWord('NOT')) return { kind: 'not', operand: this.not() }
    return this.predicate()
  }

  private predicate(): Expression {
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

  private additive(): Expression {
    let left = this.multiplicative()
    for (;;) {
      if (this.acceptSymbol('+')) left = { kind: 'arith', op: '+', left, right: this.multiplicative() }
      else if (this.acceptSymbol('-')) left = { kind: 'arith', op: '-', left, right: this.multiplicative() }
      else if (this.acceptSymbol('||')) left = { kind: 'concatOp', left, right: this.multiplicative() }
      else return left
    }
  }

  private multiplicative(): Expression {
    let left = this.unary()
    for (;;) {
      if (this.acceptSymbol('*')) left = { kind: 'arith', op: '*', left, right: this.unary() }
      else if (this.acceptSymbol('/')) left = { kind: 'arith', op: '/', left, right: this.unary() }
      else if (this.acceptSymbol('%')) left = { kind: 'arith', op: '%', left, right: this.unary() }
      else return left
    }
  }

  private unary(): Expression {
    if (this.acceptSymbol('-')) {
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

  private postfix(): Expression {
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

  private primary(): Expression {
    const t = this.peek()
    switch (t.type) {
      case 'integer': {
        this.next()
        const n = Number(t.text)
        if (n > 2147483647) return { kind: 'literal', type: 'BIGINT', value: n }
        return { kind: 'literal', type: 'INTEGER', value: n }
      }
      case 'decimal':
        this.next()
        return { kind: 'literal', type: 'DECIMAL', value: t.text }
      case 'double':
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

  private identifierExpression(t: Token): Expression {
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
  private tryLambdaParams(): string[] | null {
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

  private functionCall(): Expression {
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

  private columnReference(): Expression {
    const first = this.identifier()
    if (this.isSymbol('.') && (this.peek(1).type === 'ident' || this.peek(1).type === 'quoted')) {
      this.next()
      return { kind: 'column', qualifier: first, name: this.identifier() }
    }
    return { kind: 'column', qualifier: null, name: first }
  }

  private caseExpression(): Expression {
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
