/** Runs whole QTT files and aggregates per-file figures (pure apart from reading the case files). */
import { join } from 'node:path'
import { runHttpCase, type HttpCaseOptions, type ServerEngineFactory } from './http-case.ts'
import { expandFile, loadQttFile, type QttCase } from './qtt-case.ts'
import { runCase, type CaseOutcome, type EngineFactory } from './run-case.ts'

export interface CaseResult {
  readonly name: string
  readonly outcome: 'passed' | 'failed' | 'unsupported'
  readonly category?: string
  readonly detail?: string
}

export interface FileReport {
  readonly file: string
  readonly passed: number
  readonly failed: number
  readonly unsupported: number
  /** Not run: Schema-Registry formats, `enabled: false`, version-gated. */
  readonly skipped: number
  readonly cases: readonly CaseResult[]
  /** Set when the file itself could not be loaded. */
  readonly loadError?: string
}

export interface Totals {
  readonly files: number
  readonly passed: number
  readonly failed: number
  readonly unsupported: number
  readonly skipped: number
  /** passed / (passed + failed + unsupported), 0..100. */
  readonly passRate: number
}

export function runFile(suiteDir: string, file: string, createEngine: EngineFactory): FileReport {
  const loaded = loadCases(suiteDir, file)
  if (loaded.kind === 'unreadable') return loaded.report
  const results = loaded.cases.map((c) => caseResult(c.name, runCase(createEngine, c)))
  return summarize(file, results, loaded.skipped)
}

/** The same file replayed over HTTP against a fresh embedded server per case (see http-case.ts). */
export async function runFileHttp(
  suiteDir: string,
  file: string,
  createEngine: ServerEngineFactory,
  options?: HttpCaseOptions,
): Promise<FileReport> {
  const loaded = loadCases(suiteDir, file)
  if (loaded.kind === 'unreadable') return loaded.report
  const results: CaseResult[] = []
  for (const c of loaded.cases) results.push(caseResult(c.name, await runHttpCase(createEngine, c, options)))
  return summarize(file, results, loaded.skipped)
}

function loadCases(
  suiteDir: string,
  file: string,
):
  | { readonly kind: 'loaded'; readonly cases: readonly QttCase[]; readonly skipped: number }
  | { readonly kind: 'unreadable'; readonly report: FileReport } {
  let expanded
  try {
    expanded = expandFile(file, loadQttFile(join(suiteDir, file), file))
  } catch (e) {
    const report = { ...summarize(file, [], 0), loadError: (e as Error).message }
    return { kind: 'unreadable', report }
  }
  const cases = expanded.flatMap((entry) => (entry.kind === 'run' ? [entry.case] : []))
  return { kind: 'loaded', cases, skipped: expanded.length - cases.length }
}

function caseResult(name: string, outcome: CaseOutcome): CaseResult {
  switch (outcome.kind) {
    case 'passed':
      return { name, outcome: 'passed' }
    case 'failed':
      return { name, outcome: 'failed', category: outcome.category, detail: outcome.detail }
    case 'unsupported':
      return { name, outcome: 'unsupported', category: 'unsupported', detail: outcome.detail }
  }
}

function summarize(file: string, cases: readonly CaseResult[], skipped: number): FileReport {
  const count = (o: CaseResult['outcome']): number => cases.filter((c) => c.outcome === o).length
  return {
    file,
    passed: count('passed'),
    failed: count('failed'),
    unsupported: count('unsupported'),
    skipped,
    cases,
  }
}

export function totals(reports: readonly FileReport[]): Totals {
  const sum = (pick: (r: FileReport) => number): number => reports.reduce((acc, r) => acc + pick(r), 0)
  const passed = sum((r) => r.passed)
  const failed = sum((r) => r.failed)
  const unsupported = sum((r) => r.unsupported)
  const run = passed + failed + unsupported
  return {
    files: reports.length,
    passed,
    failed,
    unsupported,
    skipped: sum((r) => r.skipped),
    passRate: run === 0 ? 0 : (100 * passed) / run,
  }
}

export function passRate(report: FileReport): number {
  const run = report.passed + report.failed + report.unsupported
  return run === 0 ? 0 : (100 * report.passed) / run
}
