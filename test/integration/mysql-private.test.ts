import { stat } from 'node:fs/promises'
import { describe, expect, inject, it } from 'vitest'
import { nativePaths } from '../../src/stack/native/native-paths.ts'

/** The MariaDB server the native stack started for these tests keeps its files to its own user. */
describe('native MariaDB permissions', () => {
  it('has its data dir 0700 and its socket owner-only', async () => {
    const paths = nativePaths(inject('stack').stateDir)
    expect(((await stat(paths.mysqlDataDir)).mode & 0o777).toString(8)).toBe('700')
    expect(((await stat(paths.mysqlSocket)).mode & 0o777).toString(8)).toBe('600')
  })
})
