import { DipError } from '../shared/errors.ts'

export const PERMISSIONS = ['read', 'write', 'none'] as const
export type Permission = (typeof PERMISSIONS)[number]

/** A change to `user_permissions`, as data: the command runs its SQL, a test reads it. */
export type AccessChange =
  | {
      readonly kind: 'grant'
      readonly user: string
      readonly folder: string
      readonly permission: Permission
    }
  | { readonly kind: 'revoke'; readonly user: string; readonly folder: string }

export interface Statement {
  readonly sql: string
  readonly params: readonly unknown[]
}

/**
 * A lake folder as stored: relative to the lake root, `/`-separated, no leading or trailing slash
 * (`streams/transaction_log`); `/` alone is the whole lake. `..` is refused: a grant must stay
 * inside the lake.
 */
export function normalizeFolder(folder: string): string {
  const parts = folder
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
  if (parts.includes('..'))
    throw new DipError('DIP_USAGE', `folder ${JSON.stringify(folder)} leaves the lake ("..").`, {
      hint: 'name a folder inside the lake, e.g. streams/transaction_log',
    })
  const normalized = parts.length === 0 ? '/' : parts.join('/')
  if (normalized.length > 255)
    throw new DipError('DIP_USAGE', `folder is ${normalized.length} characters long; at most 255 fit.`)
  return normalized
}

export function checkUser(user: string): string {
  const trimmed = user.trim()
  if (trimmed === '' || trimmed.length > 64)
    throw new DipError('DIP_USAGE', `user ${JSON.stringify(user)} must be 1 to 64 characters.`)
  return trimmed
}

export function accessStatement(change: AccessChange): Statement {
  switch (change.kind) {
    case 'grant':
      return {
        sql:
          'INSERT INTO user_permissions (user_id, folder_path, permission) VALUES (?, ?, ?) ' +
          'ON DUPLICATE KEY UPDATE permission = VALUES(permission)',
        params: [change.user, change.folder, change.permission],
      }
    case 'revoke':
      return {
        sql: 'DELETE FROM user_permissions WHERE user_id = ? AND folder_path = ?',
        params: [change.user, change.folder],
      }
  }
}

export function listStatement(filter: { readonly user?: string; readonly folder?: string }): Statement {
  const where: string[] = []
  const params: unknown[] = []
  if (filter.user !== undefined) {
    where.push('user_id = ?')
    params.push(filter.user)
  }
  if (filter.folder !== undefined) {
    where.push('folder_path = ?')
    params.push(filter.folder)
  }
  return {
    sql:
      'SELECT user_id, folder_path, permission, last_updated_at FROM user_permissions' +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      ' ORDER BY user_id, folder_path',
    params,
  }
}
