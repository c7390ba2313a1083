import { describe, expect, it } from 'vitest'
import { parseCoreFiles } from './core-files.ts'
import { compareVersions, expandTest, parseQttFile, stripLineComments, type QttTest } from './qtt-case.ts'
import { globToRegExp, selectFiles } from './run.ts'

const base: QttTest = {
  name: 'n',
  statements: ["CREATE STREAM S (K INT KEY, V INT) WITH (kafka_topic='t', value_format='{FORMAT}');"],
  inputs: [{ topic: 't', key: 1, value: { V: 1 } }],
}

describe('loading QTT files', () => {
  it('strips // comments outside strings only', () => {
    const text = '{\n  // a comment\n  "tests": [{"name": "http://x // y", "statements": []}] // trailing\n}'
    const stripped = stripLineComments(text)
    expect(stripped).not.toContain('a comment')
    expect(stripped).not.toContain('trailing')
    expect(parseQttFile(text, 'f.json').tests[0]?.name).toBe('http://x // y')
  })

  it('keeps escaped quotes inside strings', () => {
    expect(parseQttFile('{"tests": [{"name": "a \\"//\\" b", "statements": []}]}', 'f').tests[0]?.name).toBe(
      'a "//" b',
    )
  })

  it('names the file when the JSON is broken or has no tests', () => {
    expect(() => parseQttFile('{"tests": [', 'qtt/bad.json')).toThrow(/qtt\/bad\.json/)
    expect(() => parseQttFile('{"x": 1}', 'qtt/odd.json')).toThrow(/"tests" array/)
  })
})

describe('expanding tests into cases', () => {
  it('runs one case per runnable format and skips Schema Registry formats', () => {
    const cases = expandTest('qtt/x.json', { ...base, format: ['AVRO', 'JSON', 'DELIMITED', 'PROTOBUF'] })
    expect(cases.map((c) => c.kind)).toEqual(['skip', 'run', 'run', 'skip'])
    const json = cases[1]
    expect(json?.kind === 'run' && json.case.name).toBe('n - JSON')
    expect(json?.kind === 'run' && json.case.test.statements[0]).toContain("value_format='JSON'")
  })

  it('skips disabled, version-gated and hard-coded AVRO cases', () => {
    expect(expandTest('f', { ...base, enabled: false })[0]?.kind).toBe('skip')
    expect(expandTest('f', { ...base, versions: { max: '6.0.0' } })[0]?.kind).toBe('skip')
    expect(expandTest('f', { ...base, versions: { min: '7.2.0' } })[0]?.kind).toBe('run')
    const avro = {
      ...base,
      statements: ["CREATE STREAM S (V INT) WITH (kafka_topic='t', VALUE_FORMAT='AVRO');"],
    }
    expect(expandTest('f', avro)[0]).toMatchObject({ kind: 'skip', reason: expect.stringContaining('AVRO') })
    expect(
      expandTest('f', { ...base, properties: { 'ksql.persistence.default.format.value': 'AVRO' } })[0]?.kind,
    ).toBe('skip')
  })

  it('compares versions numerically', () => {
    expect(compareVersions('7.10.0', '7.9.1')).toBeGreaterThan(0)
    expect(compareVersions('8.4.0', '8.4')).toBe(0)
    expect(compareVersions('6.0.0', '8.4.0')).toBeLessThan(0)
  })
})

describe('core files and file selection', () => {
  it('reads the core column of the INDEX table', () => {
    const index = [
      '| file | tests | errors | `format` tests | core | what |',
      '|---|---:|---:|---:|:-:|---|',
      '| `qtt/filter.json` | 5 | 0 | 0 | x | WHERE |',
      '| `qtt/avro.json` | 61 | 10 | 0 |  | AVRO |',
      '| `rqtt/push-queries.json` | 55 | 8 | 0 | x | REST |',
    ].join('\n')
    expect(parseCoreFiles(index)).toEqual(['qtt/filter.json', 'rqtt/push-queries.json'])
  })

  it('selects files by glob on the path or on the name', () => {
    const all = ['qtt/filter.json', 'qtt/hopping-windows.json', 'rqtt/push-queries.json']
    expect(selectFiles(all, undefined)).toEqual(all)
    expect(selectFiles(all, '*windows*')).toEqual(['qtt/hopping-windows.json'])
    expect(selectFiles(all, 'rqtt/*')).toEqual(['rqtt/push-queries.json'])
    expect(selectFiles(all, '**/f?lter.json')).toEqual(['qtt/filter.json'])
    expect(globToRegExp('a.b*').test('a.bc')).toBe(true)
    expect(globToRegExp('a.b*').test('axbc')).toBe(false)
  })
})
