/**
 * Milliseconds per time unit, in the two spellings dip reads: ksqlDB's (`5 MINUTES` in WINDOW
 * clauses, `WINDOW_SIZE`, `RETENTION`; singular and plural, upper case) and the short suffixes of
 * dip's own flags and schedules (`90s`, `10m`, `1h`).
 */
export const TIME_UNITS: Readonly<Record<string, number>> = {
  MILLISECOND: 1,
  MILLISECONDS: 1,
  SECOND: 1000,
  SECONDS: 1000,
  MINUTE: 60_000,
  MINUTES: 60_000,
  HOUR: 3_600_000,
  HOURS: 3_600_000,
  DAY: 86_400_000,
  DAYS: 86_400_000,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}
