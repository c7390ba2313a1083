import { createContext, type GlobalOptions } from '../app/context.ts'
import {
  accessStatement,
  checkUser,
  listStatement,
  normalizeFolder,
  type AccessChange,
  type Permission,
} from '../governance/access-plan.ts'
import type { MysqlPool } from '../mysql/mysql-port.ts'

async function withPool<T>(
  global: GlobalOptions,
  use: (pool: MysqlPool, ctx: ReturnType<typeof createContext>) => Promise<T>,
) {
  const ctx = createContext(global)
  const { connectMysql } = await import('../mysql/connect.ts')
  const pool = await connectMysql({ ...ctx.loaded.config.mysql, connectionLimit: 1 })
  try {
    return await use(pool, ctx)
  } finally {
    await pool.end().catch(() => undefined)
  }
}

/** `dip access grant|revoke`: one row of `user_permissions` (user, lake folder, read|write|none). */
export async function changeAccess(
  input:
    | { kind: 'grant'; user: string; folder: string; permission: Permission }
    | { kind: 'revoke'; user: string; folder: string },
  global: GlobalOptions,
): Promise<{ changed: boolean }> {
  const user = checkUser(input.user)
  const folder = normalizeFolder(input.folder)
  const change: AccessChange =
    input.kind === 'grant'
      ? { kind: 'grant', user, folder, permission: input.permission }
      : { kind: 'revoke', user, folder }
  return withPool(global, async (pool, { reporter }) => {
    const statement = accessStatement(change)
    const result = await pool.query(statement.sql, statement.params)
    const changed = result.affectedRows > 0
    reporter.result({ ...change, changed })
    if (change.kind === 'grant') reporter.success(`${user}: ${change.permission} on ${folder}`)
    else if (changed) reporter.success(`${user}: access to ${folder} revoked`)
    else reporter.warn(`${user} had no entry for ${folder}: nothing to revoke`)
    return { changed }
  })
}

/** `dip access ls`: who may do what on which lake folder. */
export async function listAccess(
  filter: { user?: string; folder?: string },
  global: GlobalOptions,
): Promise<readonly Record<string, unknown>[]> {
  const statement = listStatement({
    ...(filter.user === undefined ? {} : { user: checkUser(filter.user) }),
    ...(filter.folder === undefined ? {} : { folder: normalizeFolder(filter.folder) }),
  })
  return withPool(global, async (pool, { reporter }) => {
    const { rows } = await pool.query(statement.sql, statement.params)
    reporter.result(rows)
    if (rows.length === 0) reporter.info('no permissions recorded')
    else
      reporter.table(
        rows.map((r) => [r['user_id'], r['folder_path'], r['permission'], stamp(r['last_updated_at'])]),
        { header: ['user', 'folder', 'permission', 'updated'] },
      )
    return rows
  })
}

const stamp = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value ?? ''))
