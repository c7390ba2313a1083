import { describe, expect, it } from 'vitest'

import { RecordError } from '../types/record-error.ts'
import { BOOLEAN, INTEGER, STRING } from '../types/sql-type.ts'
import { createFunctionRegistry } from './registry.ts'

function resolve(name: string, ...types: (typeof INTEGER)[]) {
  const result = createFunctionRegistry({ testFunctions: true })
    .scalar(name)
    ?.resolve(types.map((type) => ({ type })))
  if (result?.ok !== true) throw new Error(`${name} did not resolve`)
  return result.value
}

describe('QTT test UDFs', () => {
  it('are absent unless asked for', () => {
    expect(createFunctionRegistry().scalar('BAD_UDF')).toBeUndefined()
  })

  it('BAD_UDF throws every other call for strings and on request for booleans', () => {
    const strings = resolve('BAD_UDF', STRING)
    expect(() => strings.invoke(['d1'])).toThrow(RecordError)
    expect(strings.invoke(['d2'])).toBe('d2')
    expect(() => strings.invoke(['d1'])).toThrow(RecordError)
    const booleans = resolve('BAD_UDF', BOOLEAN)
    expect(booleans.invoke([false])).toBe(0)
    expect(() => booleans.invoke([true])).toThrow('You asked me to throw')
  })

  it('TEST_UDF prefers the exact overload', () => {
    expect(resolve('TEST_UDF', INTEGER, STRING).invoke([1, 'foo'])).toBe('doStuffIntString')
  })

  it('WHENRESULT fails when evaluated although it should not be', () => {
    expect(resolve('WHENRESULT', INTEGER, BOOLEAN).invoke([100, true])).toBe(100)
    expect(() => resolve('WHENRESULT', INTEGER, BOOLEAN).invoke([100, false])).toThrow(RecordError)
  })
})
