import { DipError, errorMessage } from '../shared/errors.ts'
import { fileStatements, substituteVariables } from './file-statements.ts'
import {
  appliedVersionsFrom,
  eventInserts,
  metadataStatements,
  VERSIONS_TABLE,
} from './migration-metadata.ts'
import type { MigrationFile } from './migration-files.ts'
import { planMigrations, type MigrationPlan } from './plan-migrations.ts'
import { sleep } from '../shared/sleep.ts'
import { variableKey } from '../shared/substitute-variables.ts'

/** The slice of a ksqlDB server the migrations need (the REST client in production, fakes in tests). */
export interface MigrationsServer {
  serviceId(): Promise<string>
  /** /ksql: one entity per statement; throws the server's error. */
  execute(
    sql: string,
    properties: Readonly<Record<string, string>>,
  ): Promise<readonly Record<string, unknown>[]>
  /** A pull query's column names and rows. */
  pull(sql: string): Promise<{ columns: readonly string[]; rows: readonly (readonly unknown[])[] }>
}

export interface ApplyOptions {
  readonly files: readonly MigrationFile[]
  readonly dryRun: boolean
  readonly force: boolean
  readonly variables: Readonly<Record<string, string>>
  readonly now?: () => number
  /** How long to wait for a new persistent query to report RUNNING. */
  readonly runningTimeoutMs?: number
  readonly onProgress?: (message: string) => void
  /**
   * Stops before the next file once aborted (Ctrl-C): the file in progress is finished and recorded,
   * so a re-run goes on from the next one.
   */
  readonly signal?: AbortSignal
}

export interface ApplySummary {
  readonly plan: MigrationPlan
  readonly applied: readonly number[]
  readonly statements: number
  /** Files of the plan left for a re-run because the signal aborted. */
  readonly skipped: readonly number[]
}

/** The lab reads topics filled before its statements run; ksqlDB's own default is latest. */
const DEFAULT_PROPERTIES = { 'auto.offset.reset': 'earliest' }

export async function applyMigrations(
  server: MigrationsServer,
  options: ApplyOptions,
): Promise<ApplySummary> {
  const now = options.now ?? Date.now
  const progress = options.onProgress ?? (() => undefined)
  const serviceId = await server.serviceId()
  if (!options.dryRun) await server.execute(metadataStatements(serviceId).join('\n'), DEFAULT_PROPERTIES)
  const state = await readState(server, options.dryRun)
  const plan = planMigrations(options.files, state, { force: options.force })
  if (plan.kind === 'refused')
    throw new DipError('DIP_KSQL', `Migrations refused:\n  ${plan.problems.join('\n  ')}`, {
      hint: 'restore the applied files, or re-run with --force to accept the changes',
    })
  if (plan.kind === 'upToDate' || options.dryRun) return { plan, applied: [], statements: 0, skipped: [] }
  let previous = plan.current
  const applied: number[] = []
  let statements = 0
  for (const file of plan.pending) {
    if (options.signal?.aborted === true) break
    const startedOn = now()
    const event = { version: file.version, name: file.name, checksum: file.checksum, startedOn, previous }
    await server.execute(
      eventInserts({ ...event, state: 'RUNNING', completedOn: null, errorReason: null }),
      {},
    )
    progress(`V${String(file.version).padStart(6, '0')} ${file.name}`)
    try {
      statements += await runFile(server, file, options, progress)
    } catch (error) {
      const reason = errorMessage(error).split('\n')[0] ?? ''
      await server
        .execute(eventInserts({ ...event, state: 'ERROR', completedOn: now(), errorReason: reason }), {})
        .catch(() => undefined)
      throw error
    }
    await server.execute(
      eventInserts({ ...event, state: 'MIGRATED', completedOn: now(), errorReason: null }),
      {},
    )
    applied.push(file.version)
    previous = file.version
  }
  const skipped = plan.pending.map((f) => f.version).filter((version) => !applied.includes(version))
  return { plan, applied, statements, skipped }
}

async function readState(server: MigrationsServer, dryRun: boolean) {
  try {
    const { columns, rows } = await server.pull(`SELECT * FROM ${VERSIONS_TABLE};`)
    return appliedVersionsFrom(columns, rows)
  } catch (error) {
    // A dry run against a server without the metadata yet: nothing is applied.
    if (dryRun) return []
    throw error
  }
}

async function runFile(
  server: MigrationsServer,
  file: MigrationFile,
  options: ApplyOptions,
  progress: (message: string) => void,
): Promise<number> {
  const properties = new Map(Object.entries(DEFAULT_PROPERTIES))
  const variables = new Map(Object.entries(options.variables).map(([k, v]) => [variableKey(k), v]))
  let count = 0
  for (const statement of fileStatements(file.sql)) {
    switch (statement.kind) {
      case 'set':
        properties.set(statement.name, substituteVariables(statement.value, variables))
        continue
      case 'unset':
        properties.delete(statement.name)
        continue
      case 'define':
        variables.set(variableKey(statement.name), substituteVariables(statement.value, variables))
        continue
      case 'undefine':
        variables.delete(variableKey(statement.name))
        continue
      case 'server':
        break
    }
    const text = substituteVariables(statement.text, variables)
    let entities: readonly Record<string, unknown>[]
    try {
      entities = await server.execute(text, Object.fromEntries(properties))
    } catch (error) {
      throw new DipError(
        'DIP_KSQL',
        `${file.path}:${statement.line}: ${errorMessage(error)}\n  statement: ${text}`,
        {
          hint: 'fix the statement and run `dip ksql apply` again: the files before it stay applied',
          cause: error,
        },
      )
    }
    count++
    for (const entity of entities) {
      const status = entity['commandStatus'] as { queryId?: string | null } | undefined
      if (typeof status?.queryId === 'string') {
        await waitUntilRunning(
          server,
          status.queryId,
          options.runningTimeoutMs ?? 60_000,
          file,
          statement.line,
        )
        progress(`  query ${status.queryId} RUNNING`)
      }
    }
  }
  return count
}

async function waitUntilRunning(
  server: MigrationsServer,
  queryId: string,
  timeoutMs: number,
  file: MigrationFile,
  line: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [listing] = await server.execute('SHOW QUERIES;', {})
    const query = (listing?.['queries'] as { id: string; state?: string }[] | undefined)?.find(
      (q) => q.id === queryId,
    )
    if (query?.state === 'RUNNING') return
    if (query?.state === 'ERROR')
      throw new DipError('DIP_KSQL', `${file.path}:${line}: query ${queryId} is in state ERROR.`)
    if (Date.now() > deadline)
      throw new DipError(
        'DIP_TIMEOUT',
        `${file.path}:${line}: query ${queryId} was not RUNNING after ${timeoutMs} ms.`,
      )
    await sleep(500)
  }
}
