import { describe, expect, it } from 'vitest'
import { EngineError } from '../engine-error.ts'
import { createEngine } from '../engine.ts'

const CREATE_S =
  "CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='${t}', value_format='JSON', partitions=1);"

function thrown(run: () => unknown): EngineError {
  try {
    run()
  } catch (error) {
    if (error instanceof EngineError) return error
    throw error
  }
  throw new Error('expected an EngineError')
}

describe('prepare: a request split and parsed once', () => {
  it('keeps each statement as written, where it starts, and its AST with the variables substituted', () => {
    const prepared = createEngine().prepare(`DEFINE t = 'orders';\n  ${CREATE_S}`)
    expect(prepared.statements.map(({ text, line, column, kind }) => ({ text, line, column, kind }))).toEqual(
      [
        { text: "DEFINE t = 'orders';", line: 1, column: 0, kind: 'parsed' },
        { text: CREATE_S, line: 2, column: 2, kind: 'parsed' },
      ],
    )
    const create = prepared.statements[1]
    expect(create?.kind === 'parsed' ? create.parsed.text : '').toContain("kafka_topic='orders'")
  })

  it('applies DEFINE, UNDEFINE, SET and UNSET in request order, as the runs do', () => {
    const engine = createEngine()
    const off = "SET 'ksql.variable.substitution.enable' = 'false';"
    const on = "UNSET 'ksql.variable.substitution.enable';"
    const sql = `DEFINE t = 'a'; ${CREATE_S} ${off} DEFINE u = '\${t}'; ${on} DEFINE t = 'b'; UNDEFINE t; ${CREATE_S}`
    const prepared = engine.prepare(sql, { variables: { T: 'request' } })
    const kinds = prepared.statements.map((s) => (s.kind === 'parsed' ? s.parsed.statement.kind : s.kind))
    expect(kinds).toEqual([
      'defineVariable',
      'createSource',
      'setProperty',
      'defineVariable',
      'unsetProperty',
      'defineVariable',
      'undefineVariable',
      'unparsable',
    ])
    const [, create, , literal] = prepared.statements
    expect(create?.kind === 'parsed' ? create.parsed.text : '').toContain("kafka_topic='a'")
    expect(literal?.kind === 'parsed' ? literal.parsed.statement : null).toEqual({
      kind: 'defineVariable',
      name: 'U',
      value: '${t}',
    })
    const last = prepared.statements[7]
    expect(last?.kind === 'unparsable' ? last.error : null).toEqual({
      kind: 'statement',
      message: 'Failed to substitute variables:\nUnknown variable: t',
      statementText: CREATE_S,
    })
    // The run fails at that statement, after validating the ones before it: nothing ran.
    expect(thrown(() => engine.executePrepared(prepared)).info).toEqual(
      last?.kind === 'unparsable' && last.error,
    )
    expect(engine.sources()).toEqual([])
  })

  it('changes nothing and throws nothing; a statement that does not parse fails in its turn', () => {
    const engine = createEngine()
    const prepared = engine.prepare('CREATE STREAM t AS SELECT * FROM missing; SELEKT 1;')
    expect(prepared.statements.map((s) => s.kind)).toEqual(['parsed', 'unparsable'])
    expect(engine.sources()).toEqual([])
    // The first failing statement is reported, as when each statement was parsed as it ran.
    expect(thrown(() => engine.executePrepared(prepared)).info).toMatchObject({
      statementText: 'CREATE STREAM t AS SELECT * FROM missing;',
    })
    const syntax = thrown(() => engine.execute("DEFINE t = 's'; SELEKT 1;")).info
    expect(syntax).toMatchObject({ kind: 'parse', statementText: 'SELEKT 1;' })
    expect(syntax.message).toMatch(/^line 1:17: /)
  })

  it('runs the same prepared request in the sandbox and for real: one source, with the variable of the request', () => {
    const engine = createEngine()
    engine.executePrepared(engine.prepare(CREATE_S, { variables: { t: 'orders' } }))
    expect(engine.sources().map((s) => [s.name, s.topic])).toEqual([['S', 'orders']])
  })
})
