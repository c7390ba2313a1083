import { describe, expect, it } from 'vitest'

import { RecordError } from '../types/record-error.ts'
import { INTEGER, STRING } from '../types/sql-type.ts'
import type { ArgumentInfo } from './function-types.ts'
import { maskFunctions } from './mask.ts'

const fns = new Map(maskFunctions().map((f) => [f.name, f]))

function call(name: string, ...args: unknown[]): unknown {
  const infos: ArgumentInfo[] = args.map((a) => ({
    type: a === null ? null : typeof a === 'number' ? INTEGER : STRING,
  }))
  const resolved = fns.get(name)?.resolve(infos)
  if (resolved === undefined || !resolved.ok)
    throw new Error(resolved?.ok === false ? resolved.message : 'missing')
  return resolved.value.invoke(args)
}

describe('MASK family', () => {
  it('masks every class with the defaults', () => {
    expect(call('MASK', 'My Test $123')).toBe('Xx-Xxxx--nnn')
  })

  it('leaves a class unmasked when its replacement is NULL', () => {
    expect(call('MASK', 'My Test $123', '*', null, '1', null)).toBe('*y *est $111')
  })

  it('masks or keeps the left and right parts', () => {
    expect(call('MASK_LEFT', 'AbCd12', 2)).toBe('XxCd12')
    expect(call('MASK_LEFT', 'AbCd12', 20)).toBe('XxXxnn')
    expect(call('MASK_RIGHT', 'AbCd12', 2)).toBe('AbCdnn')
    expect(call('MASK_KEEP_LEFT', 'AbCd12', 2)).toBe('AbXxnn')
    expect(call('MASK_KEEP_RIGHT', '4111-1111', 4)).toBe('nnnn-1111')
    expect(call('MASK_KEEP_RIGHT', 'ab', 5)).toBe('ab')
  })

  it('walks UTF-16 units like ksqlDB, masking both halves of a surrogate pair', () => {
    expect(call('MASK', 'a😀B')).toBe('x--X')
  })

  it('returns NULL for a NULL input and rejects bad arguments per record', () => {
    expect(call('MASK', null)).toBeNull()
    expect(call('MASK_LEFT', null, 2)).toBeNull()
    expect(() => call('MASK_LEFT', null, -1)).toThrow(RecordError)
    expect(() => call('MASK_LEFT', 'abc', -1)).toThrow(
      'function mask_left requires a non-negative number of characters to mask or skip',
    )
    expect(() => call('MASK', 'abc', '**', 'x', 'n', '-')).toThrow(RecordError)
    expect(() => call('MASK', 'abc', '**', 'x', 'n', '-')).toThrow(
      "Invalid mask character. Must be only single character, but was '**'",
    )
  })

  it('rejects wrong argument types when resolving', () => {
    const result = fns.get('MASK_LEFT')?.resolve([{ type: STRING }, { type: STRING }])
    expect(result?.ok).toBe(false)
    expect(result?.ok === false && result.message).toContain(
      "Function 'mask_left' does not accept parameters (STRING, STRING)",
    )
  })
})
