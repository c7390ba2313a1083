/**
 * `npm run conformance -- [--http] [--suite DIR] [--files GLOB] [--json OUT] [--failures OUT.md] [--core]
 *   [--write-baseline] [--verbose]`
 * Runs ksqlDB's QTT cases through the embedded engine and prints passed / failed / unsupported per file,
 * with totals over the core files of INDEX.md. Exit code 1 when a file passes fewer cases than its
 * baseline records (test/conformance/baseline.json; with --http, baseline-http.json).
 * `--http` replays the rqtt/ (REST) cases over HTTP against a fresh embedded server per case.
 */
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  BASELINE_HTTP_PATH,
  BASELINE_PATH,
  compareWithBaseline,
  defaultSuiteDir,
  loadBaseline,
  engineFactory,
  raiseBaseline,
  writeBaseline,
} from './suite-setup.ts'
import { loadCoreFiles } from './core-files.ts'
import { formatFailureReasons, formatTable } from './report.ts'
import { runFile, runFileHttp, totals, type FileReport } from './run-suite.ts'

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

const USAGE = `Usage: npm run conformance -- [options]

Runs ksqlDB's query-validation cases (QTT and REST RQTT files) against the embedded engine and
prints passed / failed / unsupported / skipped per file.

Options:
  --http              replay the rqtt/ cases over HTTP: a fresh embedded REST server per case,
                      statements sent to /ksql and /query as a ksqlDB client does
  --files GLOB        only files whose path (or name) matches, e.g. 'rqtt/*' or 'having.json'
  --core              only the core files of INDEX.md
  --suite DIR         the corpus directory (default ../shared/conformance/ksqldb-qtt or DIP_QTT_DIR)
  --json OUT          write totals and every case's outcome as JSON
  --failures OUT.md   write the most frequent failure causes per file
  --write-baseline    raise the baseline (baseline.json, or baseline-http.json with --http)
  --verbose           print the reason of every case that does not pass
  -h, --help          show this help

Examples:
  npm run conformance -- --core
  npm run conformance -- --http
  npm run conformance -- --http --files 'push-queries*' --verbose
  npm run conformance -- --http --json http.json --write-baseline

Exit codes: 0 ok, 1 a file passes fewer cases than its baseline, 2 bad usage / no file matches.`

function parseOptions() {
  return parseArgs({
    options: {
      http: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      suite: { type: 'string' },
      files: { type: 'string' },
      json: { type: 'string' },
      failures: { type: 'string' },
      core: { type: 'boolean', default: false },
      'write-baseline': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  })
}

async function main(): Promise<number> {
  let parsed
  try {
    parsed = parseOptions()
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`)
    return 2
  }
  const values = parsed.values
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const suiteDir = values.suite ?? defaultSuiteDir()
  const coreFiles = loadCoreFiles(suiteDir)
  let files = selectFiles(listCorpus(suiteDir), values.files)
  if (values.core) files = files.filter((f) => coreFiles.includes(f))
  // Only the REST files describe HTTP responses; QTT files have no HTTP form.
  if (values.http) files = files.filter((f) => f.startsWith('rqtt/'))
  if (files.length === 0) {
    console.error(
      `No ${values.http ? 'rqtt/ ' : ''}QTT files match ${values.files ?? '*'} under ${suiteDir}. ` +
        `List the corpus with: ls ${suiteDir}/qtt ${suiteDir}/rqtt`,
    )
    return 2
  }
  const createEngine = engineFactory()
  const baselinePath = values.http ? BASELINE_HTTP_PATH : BASELINE_PATH
  const reports: FileReport[] = []
  for (const file of files) {
    const report = values.http
      ? await runFileHttp(suiteDir, file, createEngine)
      : runFile(suiteDir, file, createEngine)
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
        {
          suiteDir,
          mode: values.http ? 'http' : 'in-process',
          coreTotals: totals(core),
          allTotals: totals(reports),
          files: reports,
        },
        null,
        2,
      ),
    )
  }

  const baseline = loadBaseline(baselinePath)
  const drops = compareWithBaseline(baseline, reports)
  if (values.failures !== undefined) {
    writeFileSync(values.failures, formatFailureReasons(reports, coreFiles, new Date(), drops))
  }
  if (values['write-baseline']) {
    // In-process the ratchet covers the core files; over HTTP every rqtt/ file (they are few and fast).
    const next = raiseBaseline(baseline, reports, values.http ? files : coreFiles)
    writeBaseline(next, baselinePath)
    console.log(
      `Baseline ${baselinePath} written (${Object.keys(next.files).length} files; counts never lowered).`,
    )
  }
  for (const d of drops) console.error(`REGRESSION ${d.file}: ${d.passed} passed < baseline ${d.baseline}`)
  return drops.length > 0 ? 1 : 0
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e))
      process.exitCode = 1
    },
  )
}
