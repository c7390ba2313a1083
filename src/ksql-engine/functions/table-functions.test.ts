import { describe, expect, it } from 'vitest'
import { INTEGER, STRING, array, map } from '../types/sql-type.ts'
import { createFunctionRegistry } from './registry.ts'

const registry = createFunctionRegistry()

function resolve(name: string, ...types: Parameters<typeof array>[0][]) {
  const fn = registry.tableFunction(name)
  if (fn === undefined) throw new Error(`no table function ${name}`)
  return fn.resolve(types.map((type) => ({ type })))
}

describe('table functions', () => {
  it('EXPLODE returns the elements of an array (its element type), nothing for NULL', () => {
    const r = resolve('explode', array(INTEGER))
    if (!r.ok) throw new Error(r.message)
    expect(r.value.returnType).toEqual(INTEGER)
    expect(r.value.invoke([[1, null, 3]])).toEqual([1, null, 3])
    expect(r.value.invoke([null])).toEqual([])
  })

  it('EXPLODE rejects anything but one array', () => {
    const r = resolve('EXPLODE', STRING)
    expect(r.ok ? '' : r.message).toContain("Function 'explode' does not accept parameters (STRING).")
    const m = resolve('EXPLODE', map(STRING, INTEGER))
    expect(m.ok ? '' : m.message).toContain('To explode a map')
  })

  it("CUBE_EXPLODE yields every NULL combination in ksqlDB's order, not repeating NULL inputs", () => {
    const r = resolve('CUBE_EXPLODE', array(STRING))
    if (!r.ok) throw new Error(r.message)
    expect(r.value.invoke([['a', 'b']])).toEqual([
      [null, null],
      [null, 'b'],
      ['a', null],
      ['a', 'b'],
    ])
    expect(r.value.invoke([['a', null]])).toEqual([
      [null, null],
      ['a', null],
    ])
    expect(() => r.value.invoke([new Array(21).fill('x')])).toThrow('exceeds the maximum of 20 columns')
  })

  it('SHOW FUNCTIONS lists them as TABLE functions', () => {
    expect(
      registry
        .list()
        .filter((f) => f.type === 'TABLE')
        .map((f) => f.name),
    ).toEqual(['CUBE_EXPLODE', 'EXPLODE'])
  })
})
