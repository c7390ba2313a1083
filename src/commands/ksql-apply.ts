import { createContext, type GlobalOptions } from '../app/context.ts'
import { createKsql } from '../app/create-deps.ts'
import { applyMigrations } from '../ksql-migrations/apply-migrations.ts'
import { loadMigrationFiles } from '../ksql-migrations/migration-files.ts'
import { restMigrationsServer } from '../ksql-migrations/rest-migrations-server.ts'
import { DipError } from '../shared/errors.ts'
import { onStopSignals } from '../app/stop-signals.ts'

export interface KsqlApplyFlags {
  readonly dir: string
  readonly dryRun?: boolean
  readonly define?: Readonly<Record<string, string>>
  readonly force?: boolean
}

/** `dip ksql apply`: migration files → ksqlDB, recorded in the server's migrations metadata. */
export async function runKsqlApply(global: GlobalOptions, flags: KsqlApplyFlags): Promise<void> {
  const { loaded, reporter } = createContext(global)
  const files = await loadMigrationFiles(flags.dir)
  const client = await createKsql(loaded.config)
  const spinner = reporter.spinner(
    `applying ${files.length} migration file(s) from ${flags.dir} to ${client.url}`,
  )
  // Ctrl-C finishes the file in progress (a file is applied whole or recorded as failed), then stops.
  const controller = new AbortController()
  const release = onStopSignals(() => {
    controller.abort()
    spinner.update('stopping after the file in progress (Ctrl-C again to quit at once)')
  })
  let summary
  try {
    summary = await applyMigrations(restMigrationsServer(client), {
      files,
      dryRun: flags.dryRun ?? false,
      force: flags.force ?? false,
      variables: flags.define ?? {},
      onProgress: (message) => spinner.update(message),
      signal: controller.signal,
    })
  } catch (error) {
    spinner.fail('migrations stopped')
    throw error
  } finally {
    release()
  }
  const { plan } = summary
  if (summary.skipped.length > 0) {
    spinner.fail('migrations stopped by a signal')
    throw new DipError(
      'DIP_KSQL',
      `stopped after applying ${summary.applied.length} file(s); version(s) ${summary.skipped.join(', ')} not applied`,
      { hint: 'run `dip ksql apply` again to apply the rest', details: { applied: summary.applied } },
    )
  }
  if (plan.kind === 'upToDate') spinner.succeed(`up to date (version ${plan.current ?? 'none'})`)
  else if (plan.kind === 'apply' && flags.dryRun === true) {
    spinner.succeed(`dry run: ${plan.pending.length} file(s) would be applied`)
    reporter.table(
      plan.pending.map((f) => [f.version, f.name, f.path]),
      { header: ['version', 'name', 'file'] },
    )
  } else spinner.succeed(`applied ${summary.applied.length} file(s), ${summary.statements} statement(s)`)
  reporter.result({
    status: plan.kind,
    applied: summary.applied,
    pending: plan.kind === 'apply' ? plan.pending.map((f) => f.version) : [],
    statements: summary.statements,
    dryRun: flags.dryRun ?? false,
  })
}
