import type { MigrationFile } from './migration-files.ts'

/** A row of MIGRATION_SCHEMA_VERSIONS (all values are strings, as ksql-migrations writes them). */
export interface AppliedVersion {
  readonly version: number
  readonly name: string
  readonly state: 'RUNNING' | 'MIGRATED' | 'ERROR' | string
  readonly checksum: string
  readonly previous: string
  readonly errorReason: string
}

export type MigrationPlan =
  | { readonly kind: 'upToDate'; readonly current: number | null }
  | { readonly kind: 'apply'; readonly current: number | null; readonly pending: readonly MigrationFile[] }
  | { readonly kind: 'refused'; readonly problems: readonly string[] }

/**
 * Files vs. recorded state: applied files must be unchanged (unless forced) and MIGRATED; files
 * newer than the latest applied version are pending. A version left RUNNING or ERROR is re-run.
 */
export function planMigrations(
  files: readonly MigrationFile[],
  applied: readonly AppliedVersion[],
  options: { readonly force?: boolean } = {},
): MigrationPlan {
  const byVersion = new Map(applied.map((a) => [a.version, a]))
  const migrated = applied.filter((a) => a.state === 'MIGRATED').map((a) => a.version)
  const current = migrated.length === 0 ? null : Math.max(...migrated)
  const problems: string[] = []
  for (const file of files) {
    const record = byVersion.get(file.version)
    if (record === undefined || record.state !== 'MIGRATED') continue
    if (record.checksum !== file.checksum && options.force !== true)
      problems.push(
        `${file.path} changed after it was applied (checksum ${record.checksum} recorded, ${file.checksum} now).`,
      )
  }
  for (const record of applied)
    if (record.state === 'MIGRATED' && !files.some((f) => f.version === record.version))
      problems.push(`Version ${record.version} (${record.name}) is applied but its file is missing.`)
  if (problems.length > 0) return { kind: 'refused', problems }
  const pending = files.filter((f) => byVersion.get(f.version)?.state !== 'MIGRATED')
  const skipped = pending.filter((f) => current !== null && f.version < current)
  if (skipped.length > 0 && options.force !== true)
    return {
      kind: 'refused',
      problems: skipped.map(
        (f) => `${f.path} is older than the applied version ${current ?? ''} but was never applied.`,
      ),
    }
  return pending.length === 0 ? { kind: 'upToDate', current } : { kind: 'apply', current, pending }
}
