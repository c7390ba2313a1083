import type { Expression, JoinClause, JoinWithin, Query, SelectItem, WindowSpec } from './ast.ts'
import { StatementError } from '../expression/statement-error.ts'
import { ExpressionParser } from './expression-parser.ts'
import { TIME_UNITS } from '../../shared/time-units.ts'

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

/** SELECT queries: projection, FROM with joins, WHERE, WINDOW, GROUP BY, PARTITION BY, EMIT, LIMIT. */
export class QueryParser extends ExpressionParser {
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
    if (this.acceptWord('LIMIT')) limit = this.limitValue()
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

  /**
   * ksqlDB's LIMIT takes a number: a decimal fails as "Value must be integer", a negative one is
   * parsed and refused by the query's analysis (pull queries name it).
   */
  private limitValue(): number {
    const negative = this.isSymbol('-') && this.peek(1).type === 'integer'
    if (negative) this.next()
    const t = this.peek()
    if (t.type === 'decimal' || t.type === 'double')
      throw new StatementError('Failed to prepare statement: Value must be integer for command: LIMIT')
    const value = this.integer()
    return negative ? -value : value
  }

  protected joinClause(): JoinClause {
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

  protected groupingList(): Expression[] {
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

  protected selectItem(): SelectItem {
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

  protected joinWithin(): JoinWithin {
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

  protected duration(): number {
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

  protected windowSpec(): WindowSpec {
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
}
