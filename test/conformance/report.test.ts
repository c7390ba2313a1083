import { describe, expect, it } from 'vitest'
import { formatFailureReasons, formatTable } from './report.ts'
import { totals, type FileReport } from './run-suite.ts'
import { compareWithBaseline, raiseBaseline } from './suite-setup.ts'

const reports: FileReport[] = [
  {
    file: 'qtt/filter.json',
    passed: 4,
    failed: 1,
    unsupported: 0,
    skipped: 2,
    cases: [
      ...Array.from({ length: 4 }, (_, i) => ({ name: `ok${i}`, outcome: 'passed' as const })),
      {
        name: 'bad',
        outcome: 'failed',
        category: 'output value',
        detail: 'OUTPUT: record 0: expected 1 got 2',
      },
    ],
  },
  {
    file: 'qtt/avro.json',
    passed: 0,
    failed: 0,
    unsupported: 1,
    skipped: 9,
    cases: [{ name: 'u', outcome: 'unsupported', category: 'unsupported', detail: 'AVRO' }],
  },
]

describe('reporting', () => {
  it('totals passed over run cases (skipped excluded)', () => {
    expect(totals(reports)).toEqual({
      files: 2,
      passed: 4,
      failed: 1,
      unsupported: 1,
      skipped: 11,
      passRate: (100 * 4) / 6,
    })
    expect(totals([]).passRate).toBe(0)
  })

  it('prints every file and the core and overall totals', () => {
    const text = formatTable(reports, ['qtt/filter.json'])
    expect(text).toMatch(/qtt\/filter\.json\s+x\s+4\s+1\s+0\s+2\s+80\.0%/)
    expect(text).toContain(
      'core total (1 files): 4 passed, 1 failed, 0 unsupported, 2 skipped; 80.0% of run cases pass',
    )
    expect(text).toContain('all total (2 files): 4 passed, 1 failed, 1 unsupported')
    const allSkipped = { file: 'qtt/avro.json', passed: 0, failed: 0, unsupported: 0, skipped: 3, cases: [] }
    expect(formatTable([allSkipped], [])).toMatch(/qtt\/avro\.json\s+0\s+0\s+0\s+3\s+-/)
  })

  it('lists the top failure causes of core files with an example', () => {
    const md = formatFailureReasons(reports, ['qtt/filter.json'], new Date(0))
    expect(md).toContain('- 1 × output value')
    expect(md).toContain('### qtt/filter.json: 4/5 pass')
    expect(md).toContain('e.g. "bad": OUTPUT: record 0: expected 1 got 2')
    expect(md).not.toContain('avro')
    expect(md).not.toContain('Below the committed baseline')
    const withDrop = formatFailureReasons(reports, ['qtt/filter.json'], new Date(0), [
      { file: 'qtt/filter.json', passed: 4, baseline: 5 },
    ])
    expect(withDrop).toContain('- qtt/filter.json: 4 passed < baseline 5')
  })
})

describe('baseline ratchet', () => {
  it('raises counts to the current figures and never lowers them', () => {
    const next = raiseBaseline({ files: { 'qtt/filter.json': 5, 'qtt/other.json': 3 } }, reports, [
      'qtt/filter.json',
      'qtt/avro.json',
    ])
    expect(next.files).toEqual({ 'qtt/filter.json': 5, 'qtt/other.json': 3, 'qtt/avro.json': 0 })
  })

  it('flags files that pass fewer cases than the baseline', () => {
    expect(compareWithBaseline({ files: { 'qtt/filter.json': 5 } }, reports)).toEqual([
      { file: 'qtt/filter.json', passed: 4, baseline: 5 },
    ])
    expect(compareWithBaseline({ files: { 'qtt/filter.json': 4 } }, reports)).toEqual([])
  })
})
