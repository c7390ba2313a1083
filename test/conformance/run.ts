/**
 * `npm run conformance -- [--suite DIR] [--files GLOB] [--json OUT] [--failures OUT.md] [--core]
 *   [--write-baseline] [--verbose]`
 * Runs ksqlDB's QTT cases through the embedded engine and prints passed / failed / unsupported per file,
 * with totals over the core files of INDEX.md. Exit code 1 when a core file passes fewer cases than
 * test/conformance/baseline.json records.
 */
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  compareWithBaseline,
  defaultSuiteDir,
  loadBaseline,
  engineFactory,
  raiseBaseline,
  writeBaseline,
} from './suite-setup.ts'
import { loadCoreFiles } from './core-files.ts'
import { formatFailureReasons, formatTable } from './report.ts'
import { runFile, totals, type FileReport } from './run-suite.ts'

export function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*'
      i++
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** Corpus files (`qtt/x.json`, `rqtt/y.json`) selected by a glob on the path, or on the name alone. */
export function selectFiles(all: readonly string[], glob: string | undefined): string[] {
  if (glob === undefined) return [...all]
  const re = globToRegExp(glob)
  return all.filter((f) => re.test(f) || (!glob.includes('/') && re.test(f.slice(f.lastIndexOf('/') + 1))))
}

function listCorpus(suiteDir: string): string[] {
  return ['qtt', 'rqtt'].flatMap((dir) => {
    try {
      return readdirSync(join(suiteDir, dir))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => `${dir}/${f}`)
    } catch {
      return []
    }
  })
}

function main(): number {
  const { values } = parseArgs({
    options: {
      suite: { type: 'string' },
      files: { type: 'string' },
      json: { type: 'string' },
      failures: { type: 'string' },
      core: { type: 'boolean', default: false },
      'write-baseline': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  })
  const suiteDir = values.suite ?? defaultSuiteDir()
  const coreFiles = loadCoreFiles(suiteDir)
  let files = selectFiles(listCorpus(suiteDir), values.files)
  if (values.core) files = files.filter((f) => coreFiles.includes(f))
  if (files.length === 0) {
    console.error(`No QTT files match ${values.files ?? '*'} under ${suiteDir}.`)
    return 2
  }
  const createEngine = engineFactory()
  const reports: FileReport[] = []
  for (const file of files) {
    const report = runFile(suiteDir, file, createEngine)
    reports.push(report)
    if (values.verbose) {
      for (const c of report.cases.filter((x) => x.outcome !== 'passed')) {
        console.log(`  ${file} :: ${c.name}: ${c.outcome} ${c.category ?? ''}\n      ${c.detail ?? ''}`)
      }
    }
  }
  console.log(formatTable(reports, coreFiles))

  if (values.json !== undefined) {
    const core = reports.filter((r) => coreFiles.includes(r.file))
    writeFileSync(
      values.json,
      JSON.stringify(
        { suiteDir, coreTotals: totals(core), allTotals: totals(reports), files: reports },
        null,
        2,
      ),
    )
  }

  const baseline = loadBaseline()
  const drops = compareWithBaseline(baseline, reports)
  if (values.failures !== undefined) {
    writeFileSync(values.failures, formatFailureReasons(reports, coreFiles, new Date(), drops))
  }
  if (values['write-baseline']) {
    const next = raiseBaseline(baseline, reports, coreFiles)
    writeBaseline(next)
    console.log(`Baseline written (${Object.keys(next.files).length} core files; counts never lowered).`)
  }
  for (const d of drops) console.error(`REGRESSION ${d.file}: ${d.passed} passed < baseline ${d.baseline}`)
  return drops.length > 0 ? 1 : 0
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = main()
  } catch (e) {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e))
    process.exitCode = 1
  }
}
