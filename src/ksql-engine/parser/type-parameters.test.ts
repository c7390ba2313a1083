import { describe, expect, it } from 'vitest'
import { parseStatement } from './parser.ts'

const parse = (text: string) => parseStatement({ text, line: 1, column: 0 }).statement

describe('type parameters (ksqlDB: baseType (typeParameter, ...))', () => {
  it('accepts and ignores VARCHAR(STRING) and integer parameters', () => {
    expect(
      parse(
        "CREATE STREAM s (k VARCHAR(STRING) KEY, v INT(10)) WITH (kafka_topic='t', value_format='JSON');",
      ),
    ).toMatchObject({
      elements: [
        { name: 'K', type: { kind: 'STRING' }, constraint: 'KEY' },
        { name: 'V', type: { kind: 'INTEGER' }, constraint: null },
      ],
    })
  })

  it('rejects a parameter that is neither STRING nor an integer, at the parameter', () => {
    expect(() =>
      parse("CREATE STREAM INPUT (K STRING (KEY)) WITH (kafka_topic='input',value_format='JSON');"),
    ).toThrow("line 1:32: Syntax Error\nExpecting {'STRING', INTEGER_VALUE}")
  })

  it('rejects a second parenthesis after the parameters, at the parenthesis', () => {
    expect(() =>
      parse("CREATE STREAM INPUT (K VARCHAR(STRING) (KEY)) WITH (kafka_topic='input',value_format='JSON');"),
    ).toThrow("line 1:40: Syntax Error\nExpecting {',', ')'}")
  })
})
