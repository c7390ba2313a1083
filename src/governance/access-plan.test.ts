import { describe, expect, it } from 'vitest'
import { accessStatement, checkUser, listStatement, normalizeFolder } from './access-plan.ts'

describe('normalizeFolder', () => {
  it('stores lake folders relative, slash-separated, without edge slashes', () => {
    expect(normalizeFolder('/streams/transaction_log/')).toBe('streams/transaction_log')
    expect(normalizeFolder('streams\\S1\\./year=2026')).toBe('streams/S1/year=2026')
    expect(normalizeFolder('/')).toBe('/')
  })
  it('refuses a folder outside the lake', () => {
    expect(() => normalizeFolder('streams/../../etc')).toThrow(/leaves the lake/)
  })
})

describe('access statements', () => {
  it('grant is an upsert, revoke a delete, both parameterized', () => {
    const grant = accessStatement({ kind: 'grant', user: 'alice', folder: 'tables/T', permission: 'write' })
    expect(grant.sql).toMatch(/^INSERT INTO user_permissions .* ON DUPLICATE KEY UPDATE permission/)
    expect(grant.params).toEqual(['alice', 'tables/T', 'write'])
    const revoke = accessStatement({ kind: 'revoke', user: 'alice', folder: 'tables/T' })
    expect(revoke).toEqual({
      sql: 'DELETE FROM user_permissions WHERE user_id = ? AND folder_path = ?',
      params: ['alice', 'tables/T'],
    })
  })
  it('ls filters by user and folder', () => {
    expect(listStatement({}).params).toEqual([])
    const filtered = listStatement({ user: 'bob', folder: 'streams/S1' })
    expect(filtered.sql).toContain('WHERE user_id = ? AND folder_path = ?')
    expect(filtered.params).toEqual(['bob', 'streams/S1'])
  })
  it('checks the user name length', () => {
    expect(checkUser(' alice ')).toBe('alice')
    expect(() => checkUser('')).toThrow(/1 to 64/)
    expect(() => checkUser('x'.repeat(65))).toThrow(/1 to 64/)
  })
})
