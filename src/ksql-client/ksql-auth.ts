/**
 * The credentials dip's clients send to a ksqlDB server that requires HTTP Basic authentication
 * (real ksqlDB with `authentication.method=BASIC`, or dip's server with ksql.authentication).
 */
export interface KsqlCredentials {
  readonly user: string
  readonly password: string
}

/** From the config's ksql.user / ksql.password (DIP_KSQL_USER / DIP_KSQL_PASSWORD); none when no user. */
export function ksqlCredentials(ksql: {
  readonly user: string
  readonly password: string
}): KsqlCredentials | undefined {
  return ksql.user === '' ? undefined : { user: ksql.user, password: ksql.password }
}

/** The Authorization header for the credentials, or no header at all. */
export function authHeaders(credentials: KsqlCredentials | undefined): Record<string, string> {
  if (credentials === undefined) return {}
  const token = Buffer.from(`${credentials.user}:${credentials.password}`, 'utf8').toString('base64')
  return { Authorization: `Basic ${token}` }
}

/** The fix for a 401 (ksqlDB's error 40100): which settings carry the credentials. */
export function unauthorizedHint(credentials: KsqlCredentials | undefined): string {
  return credentials === undefined
    ? 'the server requires credentials: set ksql.user and ksql.password (env DIP_KSQL_USER, DIP_KSQL_PASSWORD)'
    : `the server refused user "${credentials.user}": check ksql.user / ksql.password (env DIP_KSQL_USER, DIP_KSQL_PASSWORD) against its password file`
}

export const UNAUTHORIZED_ERROR_CODE = 40100
