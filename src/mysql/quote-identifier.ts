import { DipError } from '../shared/errors.ts'

/**
 * Names that reach SQL text come from topic and column names, i.e. from whoever created the
 * ksqlDB sources. Only plain names are accepted (no quotes, spaces or dots), and every accepted
 * name is still back-quoted, so a name can neither inject SQL nor collide with a reserved word.
 */
const IDENTIFIER = /^[A-Za-z0-9_$]{1,64}$/

export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !/^\d+$/.test(name)
}

/** Throws a DIP_USAGE error naming `what` (e.g. "MySQL table for topic ORDERS") when `name` is not a plain name. */
export function validateIdentifier(name: string, what: string): string {
  if (!isValidIdentifier(name)) {
    throw new DipError('DIP_USAGE', `${what} ${JSON.stringify(name)} is not a valid MySQL identifier.`, {
      hint: 'Use letters, digits, _ or $ (at most 64, not only digits); rename it in the feed config (warehouseTable / columns).',
      details: { identifier: name },
    })
  }
  return name
}

/** `name` → `` `name` `` after validation. */
export function quoteIdentifier(name: string, what = 'identifier'): string {
  return `\`${validateIdentifier(name, what)}\``
}
