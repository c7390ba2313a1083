import { describe, expect, it } from 'vitest'

import { INTEGER } from '../types/sql-type.ts'
import {
  createFunctionRegistry,
  functionRegistryOptionsFromProperties,
  unknownFunctionMessage,
} from './registry.ts'

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

describe('functionRegistryOptionsFromProperties', () => {
  it('reads the collection limits and applies them', () => {
    const options = functionRegistryOptionsFromProperties({
      'ksql.functions.collect_list.limit': '1',
      other: 'x',
    })
    expect(options).toEqual({ collectListLimit: 1 })
    const agg = createFunctionRegistry(options)
      .aggregate('COLLECT_LIST')
      ?.resolve([{ type: INTEGER }])
    if (agg?.ok !== true) throw new Error('COLLECT_LIST did not resolve')
    const acc = agg.value.add(agg.value.add(agg.value.initial(), [0]), [100])
    expect(agg.value.result(acc)).toEqual([0])
  })
})

describe('function categories', () => {
  it('groups functions as SHOW FUNCTIONS does', () => {
    const byName = new Map(
      createFunctionRegistry()
        .list()
        .map((f) => [f.name, f.category]),
    )
    expect(byName.get('UCASE')).toBe('STRING')
    expect(byName.get('ROUND')).toBe('MATHEMATICAL')
    expect(byName.get('COALESCE')).toBe('CONDITIONAL')
    expect(byName.get('PARSE_TIMESTAMP')).toBe('DATE / TIME')
    expect(byName.get('MAP_KEYS')).toBe('MAP')
    expect(byName.get('COUNT')).toBe('AGGREGATE')
  })
})
