import { describe, expect, it } from 'vitest'
import { formatExpression } from '../expression/format-sql.ts'
import { ParseError } from './parse-error.ts'
import { parseStatement, UnsupportedStatementError } from './parser.ts'
import { splitStatements } from '../../shared/split-statements.ts'
import { substituteVariables } from './substitute-variables.ts'

const parse = (text: string) => parseStatement({ text, line: 1, column: 0 }).statement

describe('parseStatement', () => {
  it('parses CREATE STREAM with keys, nested types and WITH properties', () => {
    const s = parse(
      "CREATE STREAM s (id INT KEY, `name` STRING, loc STRUCT<city STRING, tags ARRAY<STRING>>, m MAP<STRING, DECIMAL(4, 2)>) WITH (kafka_topic='t', value_format='JSON', partitions=2);",
    )
    expect(s).toMatchObject({
      kind: 'createSource',
      sourceType: 'STREAM',
      name: 'S',
      elements: [
        { name: 'ID', type: { kind: 'INTEGER' }, constraint: 'KEY' },
        { name: 'name', type: { kind: 'STRING' }, constraint: null },
        {
          name: 'LOC',
          type: { kind: 'STRUCT', fields: [{ name: 'CITY' }, { name: 'TAGS', type: { kind: 'ARRAY' } }] },
        },
        { name: 'M', type: { kind: 'MAP', value: { kind: 'DECIMAL', precision: 4, scale: 2 } } },
      ],
      properties: { KAFKA_TOPIC: 't', VALUE_FORMAT: 'JSON', PARTITIONS: 2 },
    })
  })

  it('parses a windowed CTAS with GROUP BY, HAVING and EMIT CHANGES', () => {
    const s = parse(
      'CREATE TABLE t AS SELECT id, COUNT(*) AS c FROM s WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE, GRACE PERIOD 10 SECONDS) WHERE x > 1 GROUP BY id HAVING COUNT(*) > 2 EMIT CHANGES;',
    )
    if (s.kind !== 'createAsSelect') throw new Error(s.kind)
    expect(s.query.window).toEqual({
      type: 'HOPPING',
      sizeMs: 300_000,
      advanceMs: 60_000,
      graceMs: 10_000,
      retentionMs: null,
    })
    expect(s.query.groupBy?.map(formatExpression)).toEqual(['ID'])
    expect(s.query.having && formatExpression(s.query.having)).toBe('(COUNT(*) > 2)')
    expect(s.query.emit).toBe('CHANGES')
  })

  it('keeps operator precedence, struct access, subscripts, CASE, CAST, IN, BETWEEN and LIKE', () => {
    const s = parse(
      "SELECT a + b * 2, s->f->g, arr[1], m['k'], CASE WHEN x IS NULL THEN 'n' ELSE 'y' END, CAST(x AS BIGINT), x IN (1, 2), x NOT BETWEEN 1 AND 3, n LIKE 'a%' FROM src EMIT CHANGES LIMIT 3;",
    )
    if (s.kind !== 'select') throw new Error(s.kind)
    expect(s.query.select.map((i) => (i.kind === 'expr' ? formatExpression(i.expr) : '*'))).toEqual([
      '(A + (B * 2))',
      'S->F->G',
      'ARR[1]',
      "M['k']",
      "(CASE WHEN (X IS NULL) THEN 'n' ELSE 'y' END)",
      'CAST(X AS BIGINT)',
      '(X IN (1, 2))',
      '(X NOT BETWEEN 1 AND 3)',
      "(N LIKE 'a%')",
    ])
    expect(s.query.limit).toBe(3)
  })

  it('parses lambdas for TRANSFORM / FILTER / REDUCE', () => {
    const s = parse('SELECT FILTER(xs, x => x > 5), REDUCE(xs, 0, (acc, x) => acc + x) FROM s;')
    if (s.kind !== 'select') throw new Error(s.kind)
    expect(s.query.select.map((i) => (i.kind === 'expr' ? formatExpression(i.expr) : '*'))).toEqual([
      'FILTER(XS, (X) => (X > 5))',
      'REDUCE(XS, 0, (ACC, X) => (ACC + X))',
    ])
  })

  it('reports syntax errors with ksqlDB line:column and what was expected', () => {
    expect(() => parseStatement({ text: 'SELECT * FROM s\nWHERE x = ;', line: 1, column: 0 })).toThrow(
      /^line 2:11: Syntax Error/,
    )
    try {
      parse("CREATE STREAM s (a NULL) WITH (kafka_topic='t');")
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError)
      expect((error as ParseError).message).toContain("Syntax error at or near 'NULL'")
    }
  })

  it('reads a join window: WITHIN n, WITHIN (before, after), GRACE PERIOD', () => {
    const within = (sql: string) => {
      const statement = parse(sql)
      if (statement.kind !== 'createAsSelect') throw new Error(statement.kind)
      return statement.query.joins[0]?.within
    }
    expect(within('CREATE STREAM j AS SELECT * FROM a JOIN b WITHIN 2 SECONDS ON a.k = b.k;')).toEqual({
      beforeMs: 2000,
      afterMs: 2000,
      graceMs: null,
    })
    expect(
      within(
        'CREATE STREAM j AS SELECT * FROM a JOIN b WITHIN (1 MINUTE, 5 SECONDS) GRACE PERIOD 10 MILLISECONDS ON a.k = b.k;',
      ),
    ).toEqual({ beforeMs: 60000, afterMs: 5000, graceMs: 10 })
    expect(within('CREATE STREAM j AS SELECT * FROM a JOIN b ON a.k = b.k;')).toBeNull()
  })

  it('rejects statements outside the subset as unsupported, naming the feature', () => {
    expect(() => parse("PRINT 'topic' FROM BEGINNING;")).toThrow(UnsupportedStatementError)
    const join = parse('CREATE STREAM j AS SELECT * FROM a JOIN b WITHIN 1 SECOND ON a.k = b.k;')
    if (join.kind !== 'createAsSelect') throw new Error(join.kind)
    expect(join.query.joins.map((x) => [x.name, formatExpression(x.criteria)])).toEqual([
      ['B', '(A.K = B.K)'],
    ])
    expect(() => parse('CREATE SOURCE CONNECTOR c WITH (x=1);')).toThrow(
      /not supported by the embedded engine: CREATE CONNECTOR/,
    )
  })

  it('parses the administrative statements', () => {
    expect(parse("SET 'auto.offset.reset'='earliest';")).toEqual({
      kind: 'setProperty',
      name: 'auto.offset.reset',
      value: 'earliest',
    })
    expect(parse('DROP TABLE IF EXISTS t DELETE TOPIC;')).toEqual({
      kind: 'drop',
      sourceType: 'TABLE',
      name: 'T',
      ifExists: true,
      deleteTopic: true,
    })
    expect(parse('TERMINATE ALL;')).toEqual({ kind: 'terminate', queryId: null })
    expect(parse('DESCRIBE s EXTENDED;')).toEqual({ kind: 'describe', name: 'S', extended: true })
    expect(parse('SHOW QUERIES;')).toEqual({ kind: 'show', what: 'QUERIES', extended: false })
    expect(parse("DEFINE topic = 'orders';")).toEqual({
      kind: 'defineVariable',
      name: 'TOPIC',
      value: 'orders',
    })
  })
})

describe('splitStatements', () => {
  it('splits on semicolons outside strings and comments and keeps positions', () => {
    const slices = splitStatements("-- intro\nSELECT ';' FROM a;\n/* ; */ SHOW STREAMS;  \n")
    expect(slices.map((s) => s.text)).toEqual(["SELECT ';' FROM a;", 'SHOW STREAMS;'])
    expect(slices[0]).toMatchObject({ line: 2, column: 0 })
    expect(slices[1]).toMatchObject({ line: 3, column: 8 })
  })
})

describe('substituteVariables', () => {
  it('substitutes ${name} case-insensitively, honours $$ escapes and rejects unknown names', () => {
    const vars = new Map([['TOPIC', 'orders']])
    expect(substituteVariables("kafka_topic='${topic}' $${topic}", vars)).toBe(
      "kafka_topic='orders' ${topic}",
    )
    expect(() => substituteVariables('${missing}', vars)).toThrow(/Unknown variable: missing/)
  })
})
