import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DipError } from '../shared/errors.ts'

/** One migration file: V<6 digits>__<description>.sql, as ksql-migrations names them. */
export interface MigrationFile {
  readonly version: number
  /** Description with underscores shown as spaces ("Add users"). */
  readonly name: string
  readonly path: string
  readonly sql: string
  /** MD5 hex of the file bytes. */
  readonly checksum: string
}

const FILE_NAME = /^V(\d{6})__(.+)\.sql$/

export function parseMigrationFileName(fileName: string): { version: number; name: string } | null {
  const match = FILE_NAME.exec(fileName)
  if (match === null) return null
  const version = Number(match[1])
  if (version === 0) return null
  return { version, name: (match[2] ?? '').replace(/_/g, ' ') }
}

export function checksumOf(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex')
}

/** The folder's migration files in version order; a bad name or a duplicate version is an error. */
export async function loadMigrationFiles(dir: string): Promise<MigrationFile[]> {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch (error) {
    throw new DipError('DIP_USAGE', `Migrations folder ${dir} cannot be read.`, {
      hint: 'pass the folder holding V000001__name.sql files: dip ksql apply <dir>',
      cause: error,
    })
  }
  const files: MigrationFile[] = []
  for (const entry of entries.filter((e) => e.endsWith('.sql')).sort()) {
    const parsed = parseMigrationFileName(entry)
    if (parsed === null)
      throw new DipError(
        'DIP_USAGE',
        `Migration file ${join(dir, entry)} is not named V<6 digits>__<description>.sql.`,
        {
          hint: 'rename it, e.g. V000014__my_change.sql (version 000000 is not allowed)',
        },
      )
    const bytes = await readFile(join(dir, entry))
    const clash = files.find((f) => f.version === parsed.version)
    if (clash !== undefined)
      throw new DipError(
        'DIP_USAGE',
        `Migration files ${clash.path} and ${join(dir, entry)} share version ${parsed.version}.`,
        {
          hint: 'give each file its own version number',
        },
      )
    files.push({
      ...parsed,
      path: join(dir, entry),
      sql: bytes.toString('utf8'),
      checksum: checksumOf(bytes),
    })
  }
  return files.sort((a, b) => a.version - b.version)
}
