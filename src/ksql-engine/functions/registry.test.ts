import { describe, expect, it } from 'vitest'

import { createFunctionRegistry, unknownFunctionMessage } from './registry.ts'

describe('createFunctionRegistry', () => {
  const registry = createFunctionRegistry()

  it('finds scalar and aggregate functions case-insensitively', () => {
    expect(registry.scalar('substring')?.name).toBe('SUBSTRING')
    expect(registry.aggregate('Latest_By_Offset')?.name).toBe('LATEST_BY_OFFSET')
    expect(registry.isAggregate('count')).toBe(true)
    expect(registry.isAggregate('concat')).toBe(false)
    expect(registry.scalar('wont_find_me')).toBeUndefined()
  })

  it('lists every built-in for SHOW FUNCTIONS', () => {
    const names = registry.list().map((f) => f.name)
    for (const name of [
      'MASK_KEEP_RIGHT',
      'TIMESTAMPTOSTRING',
      'EXTRACTJSONFIELD',
      'TOPKDISTINCT',
      'HISTOGRAM',
    ]) {
      expect(names).toContain(name)
    }
    expect(names).toEqual([...names].sort())
  })

  it('words unknown functions like ksqlDB', () => {
    expect(unknownFunctionMessage('wont_find_me')).toBe(
      "Can't find any functions with the name 'WONT_FIND_ME'",
    )
  })
})
