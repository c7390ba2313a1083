/** Where the corpus and the baseline live, how the engine is created, and the ratchet arithmetic. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createFunctionRegistry,
  functionRegistryOptionsFromProperties,
} from '../../src/ksql-engine/functions/index.ts'
import { createEngine } from '../../src/ksql-engine/index.ts'
import type { ServerEngineFactory } from './http-case.ts'
import type { FileReport } from './run-suite.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const REPO_ROOT = resolve(HERE, '..', '..')
export const BASELINE_PATH = join(HERE, 'baseline.json')
/** The ratchet of `--http`: passing rqtt/ cases per file when replayed over HTTP. */
export const BASELINE_HTTP_PATH = join(HERE, 'baseline-http.json')

/** `../shared/conformance/ksqldb-qtt` next to the checkout, unless DIP_QTT_DIR says otherwise. */
export function defaultSuiteDir(): string {
  return process.env['DIP_QTT_DIR'] ?? resolve(REPO_ROOT, '..', 'shared', 'conformance', 'ksqldb-qtt')
}

export function suiteAvailable(suiteDir: string): boolean {
  return existsSync(join(suiteDir, 'INDEX.md'))
}

/**
 * A fresh engine per case with the harness properties; like upstream's harness, it also loads the
 * test-classpath UDFs (BAD_UDF, WHENCONDITION...) that some cases call.
 */
export function engineFactory(): ServerEngineFactory {
  return (properties) =>
    createEngine({
      properties,
      functions: createFunctionRegistry({
        ...functionRegistryOptionsFromProperties(properties),
        testFunctions: true,
      }),
    })
}

export interface Baseline {
  /** Minimum number of passing cases per core file. */
  readonly files: Readonly<Record<string, number>>
}

export function loadBaseline(path = BASELINE_PATH): Baseline {
  if (!existsSync(path)) return { files: {} }
  return JSON.parse(readFileSync(path, 'utf8')) as Baseline
}

export function writeBaseline(baseline: Baseline, path = BASELINE_PATH): void {
  const sorted = Object.fromEntries(Object.entries(baseline.files).sort(([a], [b]) => a.localeCompare(b)))
  writeFileSync(path, JSON.stringify({ files: sorted }, null, 2) + '\n')
}

/** New baseline: each ratcheted file's count raised to what passes now, never lowered. */
export function raiseBaseline(
  baseline: Baseline,
  reports: readonly FileReport[],
  ratchetedFiles: readonly string[],
): Baseline {
  const files: Record<string, number> = { ...baseline.files }
  for (const r of reports) {
    if (!ratchetedFiles.includes(r.file)) continue
    files[r.file] = Math.max(files[r.file] ?? 0, r.passed)
  }
  return { files }
}

export interface BaselineDrop {
  readonly file: string
  readonly passed: number
  readonly baseline: number
}

/** Files that ran and pass fewer cases than the baseline promises. */
export function compareWithBaseline(baseline: Baseline, reports: readonly FileReport[]): BaselineDrop[] {
  return reports.flatMap((r) => {
    const min = baseline.files[r.file]
    return min !== undefined && r.passed < min ? [{ file: r.file, passed: r.passed, baseline: min }] : []
  })
}
