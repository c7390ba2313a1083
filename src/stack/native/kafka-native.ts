import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DipError } from '../../shared/errors.ts'
import type { CommandRunner } from '../command-runner.ts'
import type { KafkaRuntime } from '../provision/kafka-provision.ts'
import { newClusterId, renderLog4j2Properties, renderServerProperties } from './kafka-server-config.ts'
import type { NativePaths } from './native-paths.ts'
import { spawnDetached, type Spawned } from './processes.ts'

export interface KafkaNativeSettings {
  readonly host: string
  readonly brokerPort: number
  readonly controllerPort: number
  readonly runtime: KafkaRuntime
  readonly javaCommand: string
}

// Small heap: the lab's volumes are tiny and seven stacks may share one machine.
const JVM_OPTIONS = [
  '-Xms256m',
  '-Xmx1g',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-Djava.awt.headless=true',
]

export function javaCommand(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const home = env['JAVA_HOME']
  return home !== undefined && home !== '' ? join(home, 'bin', 'java') : 'java'
}

/** Writes the config files and formats KRaft storage once (a formatted dir has meta.properties). */
export async function prepareKafka(
  paths: NativePaths,
  settings: KafkaNativeSettings,
  runner: CommandRunner,
): Promise<{ formatted: boolean }> {
  await mkdir(paths.kafkaDir, { recursive: true })
  await writeFile(
    paths.kafkaConfig,
    renderServerProperties({
      host: settings.host,
      brokerPort: settings.brokerPort,
      controllerPort: settings.controllerPort,
      dataDir: paths.kafkaDataDir,
    }),
  )
  await writeFile(paths.kafkaLog4j, renderLog4j2Properties())
  if (checkKafkaDataDir(paths.kafkaDataDir) === 'formatted') return { formatted: false }

  const result = await runner.run(settings.javaCommand, [
    ...javaBaseArgs(paths, settings),
    'kafka.tools.StorageTool',
    'format',
    '--cluster-id',
    newClusterId(randomBytes(16)),
    '--config',
    paths.kafkaConfig,
    '--standalone',
  ])
  if (result.notFound) throw javaMissing(settings.javaCommand)
  if (result.exitCode !== 0) {
    throw new DipError(
      'DIP_STACK',
      `Formatting Kafka storage in ${paths.kafkaDataDir} failed:\n${result.stderr}`,
      {
        hint: `Check Java ≥ 17 (\`dip doctor\`); to start from scratch run \`dip down --purge\`.`,
      },
    )
  }
  return { formatted: true }
}

/**
 * 'empty': never formatted; 'formatted': has a readable meta.properties with a cluster id.
 * Anything else is a corrupt dir, reported with its path and the fix.
 */
export function checkKafkaDataDir(dataDir: string): 'empty' | 'formatted' {
  if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) return 'empty'
  const meta = join(dataDir, 'meta.properties')
  const text = existsSync(meta) ? readFileSync(meta, 'utf8') : ''
  if (/^cluster\.id=\S+/m.test(text) && /^node\.id=1$/m.test(text)) return 'formatted'
  throw new DipError(
    'DIP_DATA_DIR',
    `The Kafka data dir ${dataDir} is not usable: ${existsSync(meta) ? `${meta} has no cluster.id or another node.id` : 'meta.properties is missing'}.`,
    { hint: 'Delete the native stack state with `dip down --purge` (topics are lost), then `dip up`.' },
  )
}

export function startKafka(paths: NativePaths, settings: KafkaNativeSettings): Promise<Spawned> {
  return spawnDetached({
    command: settings.javaCommand,
    args: [...javaBaseArgs(paths, settings), 'kafka.Kafka', paths.kafkaConfig],
    logFile: paths.kafkaLog,
    pidFile: paths.kafkaPid,
    cwd: paths.kafkaDir,
  }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw javaMissing(settings.javaCommand)
    throw error
  })
}

function javaBaseArgs(paths: NativePaths, settings: KafkaNativeSettings): string[] {
  return [
    ...JVM_OPTIONS,
    `-Dlog4j2.configurationFile=${paths.kafkaLog4j}`,
    `-Dkafka.logs.dir=${paths.logsDir}`,
    '-cp',
    settings.runtime.classpath,
  ]
}

function javaMissing(command: string): DipError {
  return new DipError('DIP_PREREQUISITE', `Java was not found (${command}); Kafka needs Java 17 or newer.`, {
    hint: 'Install a JDK 17+ (Debian: `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME.',
  })
}
