import { readdirSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DipError } from '../../shared/errors.ts'
import type { CommandRunner } from '../command-runner.ts'
import { PROVISION_MARKER } from './cache-dir.ts'

/** What `copyMavenLibs` fetches and how its failures are worded for the user. */
export interface MavenLibsRequest {
  readonly home: string
  readonly libsDir: string
  /** The throw-away Maven project whose runtime dependencies are the libs. */
  readonly pom: string
  readonly runner: CommandRunner
  readonly signal?: AbortSignal
  readonly mavenMissing: () => DipError
  /** mvn ran and failed; `output` is its stdout and stderr. */
  readonly mavenFailed: (exitCode: number, output: string) => DipError
  /** Written into the marker ahead of `jarCount` and `completedAt`. */
  readonly markerFields: Readonly<Record<string, unknown>>
}

/**
 * Resolves a pom's runtime dependencies from Maven Central into `libsDir` with mvn and returns the
 * number of jars. mvn writes into a folder renamed at the end, and the marker is written last, so an
 * interrupted run never leaves a libs/ that looks complete.
 */
export async function copyMavenLibs(request: MavenLibsRequest): Promise<number> {
  const { home, libsDir } = request
  const staging = join(home, 'libs.partial')
  await mkdir(home, { recursive: true })
  await rm(staging, { recursive: true, force: true })
  await writeFile(join(home, 'pom.xml'), request.pom)
  const result = await request.runner.run(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      join(home, 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${staging}`,
    ],
    { cwd: home, ...(request.signal === undefined ? {} : { signal: request.signal }) },
  )
  if (result.notFound) throw request.mavenMissing()
  if (result.exitCode !== 0) throw request.mavenFailed(result.exitCode, `${result.stdout}\n${result.stderr}`)
  await rm(libsDir, { recursive: true, force: true })
  await rename(staging, libsDir)
  const jarCount = countJars(libsDir)
  await writeFile(
    join(home, PROVISION_MARKER),
    `${JSON.stringify({ ...request.markerFields, jarCount, completedAt: new Date().toISOString() }, null, 2)}\n`,
  )
  return jarCount
}

export function countJars(dir: string): number {
  return readdirSync(dir).filter((name) => name.endsWith('.jar')).length
}

/** The last lines of a tool's output, for an error message. */
export function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n')
}
