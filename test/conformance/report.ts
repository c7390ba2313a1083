/** Text and Markdown renderings of conformance results. */
import { passRate, totals, type FileReport } from './run-suite.ts'
import type { BaselineDrop } from './suite-setup.ts'

export function formatTable(reports: readonly FileReport[], coreFiles: readonly string[]): string {
  const width = Math.max(40, ...reports.map((r) => r.file.length))
  const lines = [
    `${'file'.padEnd(width)} core  passed  failed  unsupp  skipped   pass%`,
    ...reports.map((r) => {
      const core = coreFiles.includes(r.file) ? '  x ' : '    '
      const figures = [r.passed, r.failed, r.unsupported, r.skipped]
        .map((n) => String(n).padStart(7))
        .join(' ')
      const ran = r.passed + r.failed + r.unsupported > 0
      const rate = ran ? `${passRate(r).toFixed(1).padStart(6)}%` : '      -'
      return `${r.file.padEnd(width)} ${core} ${figures} ${rate}${r.loadError ? `  LOAD ERROR: ${r.loadError}` : ''}`
    }),
  ]
  const core = reports.filter((r) => coreFiles.includes(r.file))
  for (const [label, group] of [
    ['core total', core],
    ['all total', reports],
  ] as const) {
    const t = totals(group)
    lines.push(
      `${label} (${t.files} files): ${t.passed} passed, ${t.failed} failed, ${t.unsupported} unsupported, ` +
        `${t.skipped} skipped; ${t.passRate.toFixed(1)}% of run cases pass`,
    )
  }
  return lines.join('\n')
}

/** Top failure categories per file, with one example each: for the engine's authors. */
export function formatFailureReasons(
  reports: readonly FileReport[],
  coreFiles: readonly string[],
  when: Date,
  drops: readonly BaselineDrop[] = [],
): string {
  const core = reports.filter((r) => coreFiles.includes(r.file))
  const t = totals(core)
  const lines = [
    `# Conformance failures (core files of INDEX.md)`,
    '',
    `Generated ${when.toISOString()} by \`npm run conformance\`. Core: ${t.passed} passed, ${t.failed} failed, ` +
      `${t.unsupported} unsupported (${t.passRate.toFixed(1)}%).`,
    '',
    ...(drops.length === 0
      ? []
      : [
          '## Below the committed baseline (npm test fails)',
          '',
          ...drops.map((d) => `- ${d.file}: ${d.passed} passed < baseline ${d.baseline}`),
          '',
        ]),
    '## Most frequent causes over all core files',
    '',
    ...topCategories(
      core.flatMap((r) => r.cases),
      15,
    ).map(([category, n]) => `- ${n} × ${category}`),
    '',
    '## Per file',
  ]
  for (const report of [...core].sort((a, b) => passRate(a) - passRate(b))) {
    const notPassed = report.cases.filter((c) => c.outcome !== 'passed')
    if (notPassed.length === 0) continue
    lines.push('', `### ${report.file}: ${report.passed}/${report.passed + notPassed.length} pass`)
    for (const [category, n] of topCategories(notPassed, 6)) {
      const example = notPassed.find((c) => (c.category ?? '') === category)
      lines.push(`- ${n} × ${category}`)
      if (example) lines.push(`  - e.g. "${example.name}": ${truncate(example.detail ?? '', 300)}`)
    }
  }
  return lines.join('\n') + '\n'
}

function topCategories(
  cases: readonly { readonly outcome: string; readonly category?: string }[],
  n: number,
): [string, number][] {
  const counts = new Map<string, number>()
  for (const c of cases) {
    if (c.outcome === 'passed') continue
    const key = c.category ?? c.outcome
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, n)
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ')
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`
}
