/** Runs whole QTT files and aggregates per-file figures (pure apart from reading the case files). */
import { join } from 'node:path'
import { expandFile, loadQttFile } from './qtt-case.ts'
import { runCase, type EngineFactory } from './run-case.ts'

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
  let expanded
  try {
    expanded = expandFile(file, loadQttFile(join(suiteDir, file), file))
  } catch (e) {
    return {
      file,
      passed: 0,
      failed: 0,
      unsupported: 0,
      skipped: 0,
      cases: [],
      loadError: (e as Error).message,
    }
  }
  const cases: CaseResult[] = []
  let skipped = 0
  for (const entry of expanded) {
    if (entry.kind === 'skip') {
      skipped++
      continue
    }
    const outcome = runCase(createEngine, entry.case)
    switch (outcome.kind) {
      case 'passed':
        cases.push({ name: entry.case.name, outcome: 'passed' })
        break
      case 'failed':
        cases.push({
          name: entry.case.name,
          outcome: 'failed',
          category: outcome.category,
          detail: outcome.detail,
        })
        break
      case 'unsupported':
        cases.push({
          name: entry.case.name,
          outcome: 'unsupported',
          category: 'unsupported',
          detail: outcome.detail,
        })
        break
    }
  }
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
