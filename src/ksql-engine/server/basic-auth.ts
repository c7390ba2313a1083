import { createHash, timingSafeEqual } from 'node:crypto'
import { assertNever } from '../../shared/assert-never.ts'
import { DipError } from '../../shared/errors.ts'
import { errorResponse, type KsqlErrorBody } from '../engine-errors.ts'

/**
 * HTTP Basic authentication as ksqlDB does it (`authentication.method=BASIC`): users and passwords
 * come from a Jetty property file (`user: password[,role…]`), named directly or through the
 * `file="…"` option of the realm's entry in a JAAS config file. Pure: text in, decisions out.
 */
export interface BasicAuth {
  readonly realm: string
  check(authorization: string | undefined): AuthDecision
}

export type AuthDecision = { readonly kind: 'accepted'; readonly user: string } | AuthRefusal

export type AuthRefusal =
  | { readonly kind: 'unauthorized'; readonly status: 401; readonly body: KsqlErrorBody }
  | { readonly kind: 'malformed'; readonly status: 400; readonly body: KsqlErrorBody }

/** ksqlDB's default `authentication.realm`. */
export const DEFAULT_REALM = 'KsqlServer-Props'

/** What ksqlDB answers a request without valid credentials (its FailureHandler, 401). */
export const UNAUTHORIZED_BODY: KsqlErrorBody = errorResponse('unauthorized', 'Unauthorized').body

/** What ksqlDB answers a Basic header it cannot decode (its KsqlBasicAuthHandler, 400). */
export const MALFORMED_BODY: KsqlErrorBody = errorResponse(
  'bad-request',
  'Malformed authorization header',
).body

/** A stored password: plain text, or Jetty's `MD5:<hex>` / `OBF:<obfuscated>` forms. */
type StoredPassword =
  { readonly kind: 'plain'; readonly value: string } | { readonly kind: 'md5'; readonly hex: string }

export function createBasicAuth(
  users: ReadonlyMap<string, StoredPassword>,
  realm = DEFAULT_REALM,
): BasicAuth {
  const unauthorized: AuthRefusal = { kind: 'unauthorized', status: 401, body: UNAUTHORIZED_BODY }
  return {
    realm,
    check(authorization) {
      const match = /^basic\s+(\S*)\s*$/i.exec(authorization ?? '')
      if (match === null) return unauthorized
      const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon < 0) return { kind: 'malformed', status: 400, body: MALFORMED_BODY }
      const user = decoded.slice(0, colon)
      const stored = users.get(user)
      // Compare even for an unknown user, so the answer takes as long either way.
      const ok = passwordMatches(stored ?? { kind: 'plain', value: '' }, decoded.slice(colon + 1))
      return stored !== undefined && ok ? { kind: 'accepted', user } : unauthorized
    },
  }
}

function passwordMatches(stored: StoredPassword, given: string): boolean {
  switch (stored.kind) {
    case 'plain':
      return sameDigest(stored.value, given)
    case 'md5':
      return sameDigest(stored.hex, createHash('md5').update(given, 'utf8').digest('hex'))
    default:
      return assertNever(stored, 'stored password')
  }
}

/** Constant-time on fixed-length digests, so neither length nor content leaks through timing. */
function sameDigest(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()
  return timingSafeEqual(digest(a), digest(b))
}

/**
 * Reads a credentials file's text: a JAAS config (`Realm { … file="/path" … };`) gives the path of
 * the property file to read with `readFile`; otherwise the text is the property file itself.
 */
export function parseCredentialsFile(
  text: string,
  source: string,
  realm: string,
  readFile: (path: string) => string,
): Map<string, StoredPassword> {
  const jaas = /^\s*[\w.-]+\s*\{/m.test(stripComments(text))
  if (!jaas) return parsePasswordFile(text, source)
  const entry = new RegExp(`(^|[\\s;])${escapeRegExp(realm)}\\s*\\{([^}]*)\\}`).exec(stripComments(text))
  if (entry === null)
    throw credentialsError(
      `${source} is a JAAS config without an entry for the realm "${realm}".`,
      `add \`${realm} { org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required file="/path/to/password-file"; };\` or set ksql.authentication.realm`,
    )
  const file = /\bfile\s*=\s*"([^"]+)"/.exec(entry[2] ?? '')?.[1]
  if (file === undefined)
    throw credentialsError(
      `${source}: the JAAS entry "${realm}" has no file="…" option naming the password file.`,
      'add file="/path/to/password-file" to the login module line',
    )
  return parsePasswordFile(readFile(file), file)
}

/** Jetty's PropertyUserStore format: `user: password[,role…]`, `#` / `!` comments. */
export function parsePasswordFile(text: string, source: string): Map<string, StoredPassword> {
  const users = new Map<string, StoredPassword>()
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return
    const separator = /\s*[:=]\s*|\s+/.exec(line)
    if (separator === null || separator.index === 0)
      throw credentialsError(
        `${source} line ${index + 1}: expected "user: password[,role…]".`,
        'one user per line, e.g. `fred: letmein,admin`',
      )
    const user = line.slice(0, separator.index)
    const password = (line.slice(separator.index + separator[0].length).split(',')[0] ?? '').trim()
    if (password === '')
      throw credentialsError(
        `${source} line ${index + 1}: user "${user}" has no password.`,
        'write `user: password`',
      )
    users.set(user, storedPassword(password, `${source} line ${index + 1}`))
  })
  if (users.size === 0)
    throw credentialsError(
      `${source} lists no user.`,
      'add a line `user: password` (roles after a comma are allowed)',
    )
  return users
}

function storedPassword(text: string, where: string): StoredPassword {
  if (text.startsWith('MD5:')) return { kind: 'md5', hex: text.slice(4).toLowerCase() }
  if (text.startsWith('OBF:')) return { kind: 'plain', value: deobfuscate(text.slice(4), where) }
  if (text.startsWith('CRYPT:'))
    throw credentialsError(
      `${where}: CRYPT: passwords are not supported.`,
      'use the plain password, MD5:<hex of the password> or OBF:<Jetty-obfuscated password>',
    )
  return { kind: 'plain', value: text }
}

/** Jetty's `OBF:` encoding: 4 base-36 digits per byte (or `U` + 4 digits for bytes above 127). */
export function deobfuscate(text: string, where = 'OBF: password'): string {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i += 4) {
    let chunk: string
    let value: number
    if (text[i] === 'U') {
      i++
      chunk = text.slice(i, i + 4)
      value = (Number.parseInt(chunk, 36) >> 8) & 0xff
    } else {
      chunk = text.slice(i, i + 4)
      const n = Number.parseInt(chunk, 36)
      value = (Math.floor(n / 256) + (n % 256) - 254) / 2
    }
    if (chunk.length !== 4 || !Number.isInteger(value) || value < 0 || value > 255)
      throw credentialsError(
        `${where}: not a valid OBF: value.`,
        'write the plain password or a value from Jetty’s Password tool',
      )
    bytes.push(value)
  }
  return Buffer.from(bytes).toString('utf8')
}

/**
 * ksqlDB's rule for dip's server: without authentication it only listens on the loopback
 * interface; any other address must come with `authentication.method=BASIC`.
 */
export function assertBindAllowed(host: string, auth: BasicAuth | null): void {
  if (auth !== null || isLoopback(host)) return
  throw new DipError(
    'DIP_CONFIG',
    `The ksqlDB server will not listen on ${host} without authentication: anyone who reaches it could run or drop statements.`,
    {
      hint: 'set ksql.authentication.method to BASIC and ksql.authentication.credentialsFile to a password file (`user: password`), or listen on 127.0.0.1',
    },
  )
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

function credentialsError(message: string, hint: string): DipError {
  return new DipError('DIP_CONFIG', `ksqlDB credentials file: ${message}`, { hint })
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
