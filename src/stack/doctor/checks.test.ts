import { describe, expect, it } from 'vitest'
import { checkNode, parseJavaMajor } from './checks.ts'

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['java version "21" 2023-09-19', 21],
    ['java version "1.8.0_392"', 8],
    ['no java here', undefined],
  ])('reads %s as %s', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major)
  })
})

describe('checkNode', () => {
  it('accepts 20.19 and newer, and names the fix for older versions', () => {
    expect(checkNode('v20.19.0').status).toBe('ok')
    expect(checkNode('v22.1.0').status).toBe('ok')
    const old = checkNode('v20.11.1')
    expect(old.status).toBe('fail')
    expect(old.fix).toMatch(/20\.19/)
  })
})
