import type {
  Expression,
  ParsedStatement,
  PropertyValue,
  SourceKind,
  Statement,
  TableElement,
} from './ast.ts'
import { tokenize } from './lexer.ts'
import { ParseError } from './parse-error.ts'
import { QueryParser } from './query-parser.ts'
import type { StatementSlice } from '../../shared/split-statements.ts'

/** Thrown for statements ksqlDB has but the embedded engine does not implement. */
export class UnsupportedStatementError extends Error {
  /** Its row in ERROR_RESPONSES (engine-errors.ts). */
  readonly code = 'unsupported'
  readonly feature: string
  constructor(feature: string) {
    super(`not supported by the embedded engine: ${feature}`)
    this.name = 'UnsupportedStatementError'
    this.feature = feature
  }
}

/** Parses one statement slice (see splitStatements) into an AST statement. */
export function parseStatement(slice: StatementSlice): ParsedStatement {
  const parser = new Parser(tokenize(slice.text, slice.line, slice.column))
  const statement = parser.statement()
  return { statement, text: slice.text }
}

/** Statements: the top of the grammar. */
class Parser extends QueryParser {
  // ---------------------------------------------------------------- statements
  statement(): Statement {
    const statement = this.statementBody()
    this.acceptSymbol(';')
    if (this.peek().type !== 'eof') this.fail("';'")
    return statement
  }

  protected statementBody(): Statement {
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
      case 'ALTER':
        return this.alter()
      case 'PRINT':
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

  protected set(): Statement {
    this.next()
    const name = this.stringLiteral()
    this.expectSymbol('=')
    return { kind: 'setProperty', name, value: this.stringLiteral() }
  }

  protected show(): Statement {
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

  protected describe(): Statement {
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

  protected drop(): Statement {
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

  protected insert(): Statement {
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

  protected create(): Statement {
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

  protected tableElement(): TableElement {
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
    const after = this.peek()
    if (after.type === 'symbol' && after.text === '(')
      throw new ParseError(after.line, after.column, "Syntax Error\nExpecting {',', ')'}")
    return { name, type, constraint, position: { line: nameToken.line, column: nameToken.column + 1 } }
  }

  private alter(): Statement {
    this.next()
    let sourceType: SourceKind
    if (this.acceptWord('STREAM')) sourceType = 'STREAM'
    else if (this.acceptWord('TABLE')) sourceType = 'TABLE'
    else return this.fail("{'STREAM', 'TABLE'}")
    const name = this.identifier('a source name')
    // The operations (ADD COLUMN ...) are not analyzed: the engine refuses every ALTER.
    while (this.peek().type !== 'eof' && !this.isSymbol(';')) this.next()
    return { kind: 'alter', sourceType, name }
  }

  protected withProperties(): Record<string, PropertyValue> {
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
}
