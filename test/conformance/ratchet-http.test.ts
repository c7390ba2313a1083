/**
 * The HTTP conformance ratchet: every rqtt/ file replayed over HTTP (a fresh embedded REST server
 * per case, statements sent to /ksql and /query as a client sends them) must pass at least as many
 * cases as baseline-http.json records (raise it with `npm run conformance -- --http --write-baseline`).
 * Skipped when the corpus is not next to the checkout (set DIP_QTT_DIR to point at it).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runFileHttp } from './run-suite.ts'
import {
  BASELINE_HTTP_PATH,
  defaultSuiteDir,
  engineFactory,
  loadBaseline,
  suiteAvailable,
} from './suite-setup.ts'

const suiteDir = defaultSuiteDir()
const baseline = loadBaseline(BASELINE_HTTP_PATH)

describe.skipIf(!suiteAvailable(suiteDir))('HTTP conformance ratchet over the rqtt/ files', () => {
  it('has a baseline entry for every rqtt/ file', () => {
    const files = readdirSync(join(suiteDir, 'rqtt'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => `rqtt/${f}`)
    expect(files.length).toBeGreaterThan(0)
    expect(Object.keys(baseline.files).sort()).toEqual(files.sort())
  })

  it.each(Object.entries(baseline.files))(
    '%s passes at least %i cases over HTTP',
    async (file, minimum) => {
      const report = await runFileHttp(suiteDir, file, engineFactory())
      expect(report.loadError).toBeUndefined()
      const failing = report.cases
        .filter((c) => c.outcome !== 'passed')
        .map((c) => `${c.name}: ${c.category ?? c.outcome}`)
      expect(report.passed, `not passing now:\n${failing.join('\n')}`).toBeGreaterThanOrEqual(minimum)
    },
    180_000,
  )
})
