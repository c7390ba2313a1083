import { StatementError } from './statement-error.ts'

const PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/

/**
 * ksqlDB accepts (partial) ISO-8601 text where a BIGINT time bound is compared: `2020-02-23T23:45`,
 * `2020-02-23T22:45:12.000-0100`. Missing fields take their lowest value; no offset means UTC.
 */
export function parseTimestampLiteral(text: string): number {
  const m = PATTERN.exec(text)
  if (m === null) throw new StatementError(`Failed to parse timestamp '${text}'`)
  const [, y, mo = '1', d = '1', h = '0', mi = '0', s = '0', ms = '0', zone] = m
  let epoch = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(ms.padEnd(3, '0')),
  )
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    epoch -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000
  }
  return epoch
}
