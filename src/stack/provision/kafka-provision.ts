import { existsSync, readdirSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DipError } from '../../shared/errors.ts'
import type { CommandRunner } from '../command-runner.ts'
import { kafkaHomeFor } from './cache-dir.ts'
import { renderKafkaPom } from './kafka-pom.ts'

/** A Kafka runtime on disk: `java -cp '<libsDir>/*' kafka.Kafka …`. */
export interface KafkaRuntime {
  readonly version: string
  readonly home: string
  readonly libsDir: string
  readonly classpath: string
}

export interface ProvisionResult extends KafkaRuntime {
  /** false: the cache was already complete and nothing was downloaded. */
  readonly downloaded: boolean
  readonly jarCount: number
}

const MARKER = '.dip-complete.json'

export function kafkaRuntime(
  version: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  const home = kafkaHomeFor(version, env)
  const libsDir = join(home, 'libs')
  return { version, home, libsDir, classpath: `${libsDir}/*` } satisfies KafkaRuntime
}

/** The runtime if `dip setup` completed for this version, undefined otherwise. Reads the disk only. */
export function findProvisionedKafka(
  version: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): KafkaRuntime | undefined {
  const runtime = kafkaRuntime(version, env)
  const complete =
    existsSync(join(runtime.home, MARKER)) &&
    existsSync(join(runtime.libsDir, `kafka_2.13-${version}.jar`)) &&
    existsSync(join(runtime.libsDir, `kafka-tools-${version}.jar`))
  return complete ? runtime : undefined
}

export function notProvisionedError(version: string, home: string): DipError {
  return new DipError('DIP_PREREQUISITE', `Apache Kafka ${version} is not provisioned (looked in ${home}).`, {
    hint: 'Run `dip setup` once (downloads Kafka from Maven Central with mvn).',
  })
}

/**
 * Resolves kafka_2.13 + kafka-tools + runtime dependencies from Maven Central into
 * `<cache>/kafka-<version>/libs/`. Idempotent: a completed cache (marker file) is reused as is.
 * Maven writes into a temporary folder that is renamed at the end, so an interrupted run never
 * leaves a half-filled libs/ that looks complete.
 */
export async function provisionKafka(options: {
  readonly version: string
  readonly runner: CommandRunner
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly signal?: AbortSignal
}): Promise<ProvisionResult> {
  const env = options.env ?? process.env
  const existing = findProvisionedKafka(options.version, env)
  if (existing !== undefined) return { ...existing, downloaded: false, jarCount: countJars(existing.libsDir) }

  const runtime = kafkaRuntime(options.version, env)
  const staging = join(runtime.home, 'libs.partial')
  await mkdir(runtime.home, { recursive: true })
  await rm(staging, { recursive: true, force: true })
  await writeFile(join(runtime.home, 'pom.xml'), renderKafkaPom(options.version))
  const result = await options.runner.run(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      join(runtime.home, 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${staging}`,
    ],
    { cwd: runtime.home, ...(options.signal === undefined ? {} : { signal: options.signal }) },
  )
  if (result.notFound) {
    throw new DipError('DIP_PREREQUISITE', 'Maven (mvn) is not installed; it is needed to download Kafka.', {
      hint: 'Install it (Debian/Ubuntu: `apt-get install maven`), then run `dip setup` again.',
    })
  }
  if (result.exitCode !== 0) {
    const output = `${result.stdout}\n${result.stderr}`
    const missing = /Could not (?:find|resolve) artifact ([^\s]+)/.exec(output)?.[1]
    throw new DipError(
      'DIP_PREREQUISITE',
      missing === undefined
        ? `mvn could not download Apache Kafka ${options.version} (exit ${result.exitCode}):\n${lastLines(output, 8)}`
        : `Apache Kafka ${options.version} is not on Maven Central (missing ${missing}).`,
      {
        hint:
          missing === undefined
            ? 'Check network access to repo.maven.apache.org (or your ~/.m2/settings.xml mirror), then rerun `dip setup`.'
            : 'Set kafka.version to a published 4.x release (e.g. 4.3.1) in dip.config.yaml or DIP_KAFKA_VERSION.',
      },
    )
  }
  await rm(runtime.libsDir, { recursive: true, force: true })
  await rename(staging, runtime.libsDir)
  const jarCount = countJars(runtime.libsDir)
  await writeFile(
    join(runtime.home, MARKER),
    `${JSON.stringify({ version: options.version, jarCount, completedAt: new Date().toISOString() }, null, 2)}\n`,
  )
  return { ...runtime, downloaded: true, jarCount }
}

/** The marker written by a completed provisioning, for `dip doctor`. */
export async function readProvisionMarker(
  runtime: KafkaRuntime,
): Promise<{ completedAt?: string } | undefined> {
  try {
    return JSON.parse(await readFile(join(runtime.home, MARKER), 'utf8')) as { completedAt?: string }
  } catch {
    return undefined
  }
}

function countJars(dir: string): number {
  return readdirSync(dir).filter((name) => name.endsWith('.jar')).length
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n')
}
