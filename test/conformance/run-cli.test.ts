import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultSuiteDir, suiteAvailable } from './suite-setup.ts'

const ROOT = join(import.meta.dirname, '..', '..')

describe.skipIf(!suiteAvailable(defaultSuiteDir()))('npm run conformance (the CLI)', () => {
  it('prints per-file figures and writes the JSON and failure reports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dip-conformance-'))
    const json = join(dir, 'out.json')
    const failures = join(dir, 'failures.md')
    const stdout = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/conformance/run.ts',
        '--files',
        'having.json',
        '--json',
        json,
        '--failures',
        failures,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    )
    expect(stdout).toMatch(/qtt\/having\.json\s+x\s+\d+/)
    expect(stdout).toContain('core total (1 files)')
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      coreTotals: { files: number; passed: number; failed: number; unsupported: number }
      files: { file: string; cases: unknown[] }[]
    }
    expect(report.files.map((f) => f.file)).toEqual(['qtt/having.json'])
    const { passed, failed, unsupported } = report.coreTotals
    expect(report.files[0]!.cases).toHaveLength(passed + failed + unsupported)
    expect(readFileSync(failures, 'utf8')).toContain('# Conformance failures')
    rmSync(dir, { recursive: true })
  }, 120_000)

  it('exits with 2 when no file matches', () => {
    let status = 0
    try {
      execFileSync(
        process.execPath,
        ['--import', 'tsx', 'test/conformance/run.ts', '--files', 'no-such-file*'],
        {
          cwd: ROOT,
          stdio: 'pipe',
        },
      )
    } catch (e) {
      status = (e as { status: number }).status
    }
    expect(status).toBe(2)
  }, 120_000)

  it('replays the rqtt/ files over HTTP with --http and reports them per file in --json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dip-conformance-http-'))
    const json = join(dir, 'http.json')
    const stdout = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/conformance/run.ts',
        '--http',
        '--files',
        'pull-queries-against-streams.json',
        '--json',
        json,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    )
    expect(stdout).toMatch(/rqtt\/pull-queries-against-streams\.json\s+\d+/)
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      mode: string
      files: { file: string; passed: number; cases: { outcome: string }[] }[]
    }
    expect(report.mode).toBe('http')
    expect(report.files.map((f) => f.file)).toEqual(['rqtt/pull-queries-against-streams.json'])
    expect(report.files[0]!.passed).toBe(report.files[0]!.cases.filter((c) => c.outcome === 'passed').length)
    rmSync(dir, { recursive: true })
  }, 120_000)

  it('exits with 2 on an unknown option, printing the usage', () => {
    let status = 0
    let stderr = ''
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'test/conformance/run.ts', '--no-such-option'], {
        cwd: ROOT,
        stdio: 'pipe',
      })
    } catch (e) {
      status = (e as { status: number }).status
      stderr = String((e as { stderr: Buffer }).stderr)
    }
    expect(status).toBe(2)
    expect(stderr).toContain('npm run conformance -- --http')
  }, 120_000)
})
