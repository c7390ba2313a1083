import { describe, expect, it } from 'vitest'
import { substituteVariables, variableKey } from './substitute-variables.ts'

const unknown = (name: string): Error => new Error(`unknown ${name}`)
const vars = (entries: Record<string, string>): Map<string, string> =>
  new Map(Object.entries(entries).map(([k, v]) => [variableKey(k), v]))

describe('substituteVariables', () => {
  it('replaces a reference whatever the case it was defined or referenced in', () => {
    const variables = vars({ topicName: 'orders', LIMIT: '5' })
    expect(
      substituteVariables('FROM ${TOPICNAME} ${topicname} ${TopicName} ${limit}', variables, unknown),
    ).toBe('FROM orders orders orders 5')
  })

  it('keys variables by one case, so a lower-case and an upper-case definition are the same variable', () => {
    expect(variableKey('topicName')).toBe(variableKey('TOPICNAME'))
    expect(variableKey('topicName')).toBe(variableKey('topicname'))
  })

  it('keeps $${x} as a literal ${x}', () => {
    expect(substituteVariables("SELECT '$${x}' FROM s", vars({}), unknown)).toBe("SELECT '${x}' FROM s")
  })

  it('throws the caller’s error naming an undefined variable', () => {
    expect(() => substituteVariables('FROM ${missing}', vars({ other: 'x' }), unknown)).toThrow(
      'unknown missing',
    )
  })

  it('leaves text without references untouched', () => {
    expect(substituteVariables('SELECT $1, {x} FROM s', vars({ x: 'y' }), unknown)).toBe(
      'SELECT $1, {x} FROM s',
    )
  })
})
