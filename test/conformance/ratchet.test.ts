/**
 * The conformance ratchet: every core file of the QTT corpus must pass at least as many cases as
 * baseline.json records (raise it with `npm run conformance -- --core --write-baseline`).
 * Skipped when the corpus is not next to the checkout (set DIP_QTT_DIR to point at it).
 */
import { describe, expect, it } from 'vitest'
import { loadCoreFiles } from './core-files.ts'
import { runFile } from './run-suite.ts'
import { defaultSuiteDir, loadBaseline, engineFactory, suiteAvailable } from './suite-setup.ts'

const suiteDir = defaultSuiteDir()
const baseline = loadBaseline()

describe.skipIf(!suiteAvailable(suiteDir))('conformance ratchet over the core QTT files', () => {
  it('has a baseline entry for every core file', () => {
    const core = loadCoreFiles(suiteDir)
    expect(core.length).toBeGreaterThan(0)
    expect(Object.keys(baseline.files).sort()).toEqual([...core].sort())
  })

  it.each(Object.entries(baseline.files))(
    '%s passes at least %i cases',
    (file, minimum) => {
      const report = runFile(suiteDir, file, engineFactory())
      expect(report.loadError).toBeUndefined()
      const failing = report.cases
        .filter((c) => c.outcome !== 'passed')
        .map((c) => `${c.name}: ${c.category ?? c.outcome}`)
      expect(report.passed, `not passing now:\n${failing.join('\n')}`).toBeGreaterThanOrEqual(minimum)
    },
    120_000,
  )
})
