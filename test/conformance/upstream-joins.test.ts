import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runFile } from './run-suite.ts'
import { engineFactory } from './suite-setup.ts'

/**
 * ksqlDB's own join cases that the shared corpus subset lacks (see upstream-joins/qtt/joins.json):
 * key inference, synthetic keys, projection errors, windowed-source rules, self joins, KAFKA values.
 */
describe('upstream join cases', () => {
  it('all pass on the embedded engine', () => {
    const report = runFile(join(import.meta.dirname, 'upstream-joins'), 'qtt/joins.json', engineFactory())
    expect(report.cases.filter((c) => c.outcome !== 'passed')).toEqual([])
    expect(report.passed).toBe(21)
  })
})
