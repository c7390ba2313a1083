/** Which lake folder a sunk topic lives in: ksqlDB streams, ksqlDB tables (changelogs), dead letters. */
export type LakeArea = 'streams' | 'tables' | '_errors'

export interface DatePartition {
  readonly year: string
  readonly month: string
  readonly day: string
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The calendar date of an instant in a time zone, zero-padded (`UTC` takes a fast path). */
export function datePartition(timestampMs: number, timeZone: string): DatePartition {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') {
    const date = new Date(timestampMs)
    return {
      year: String(date.getUTCFullYear()).padStart(4, '0'),
      month: String(date.getUTCMonth() + 1).padStart(2, '0'),
      day: String(date.getUTCDate()).padStart(2, '0'),
    }
  }
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
    formatters.set(timeZone, formatter)
  }
  const parts = Object.fromEntries(formatter.formatToParts(timestampMs).map((p) => [p.type, p.value]))
  return {
    year: String(parts['year']).padStart(4, '0'),
    month: String(parts['month']),
    day: String(parts['day']),
  }
}

/** `streams/<TOPIC>/year=YYYY/month=MM/day=DD`: the folder of a record, relative to the lake root. */
export function partitionPath(area: LakeArea, topic: string, timestampMs: number, timeZone: string): string {
  const { year, month, day } = datePartition(timestampMs, timeZone)
  return `${area}/${topic}/year=${year}/month=${month}/day=${day}`
}

/** Throws a RangeError naming the zone when the runtime does not know it. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone })
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}"`)
  }
}

/**
 * partitionPath with memory: records arrive in time order, so one topic's consecutive records share
 * a folder. The function of an area and topic keeps its last folder for the span of time it is known
 * to cover: a whole UTC day in UTC, one second elsewhere (zone offsets are whole seconds, so a local
 * date never changes within a second). Formatting a date in a zone costs more than the rest of a row.
 */
export function createPartitionPaths(
  timeZone: string,
): (area: LakeArea, topic: string) => (timestampMs: number) => string {
  const spanMs = timeZone === 'UTC' || timeZone === 'Etc/UTC' ? 86_400_000 : 1000
  const folders = new Map<string, (timestampMs: number) => string>()
  return (area, topic) => {
    const id = `${area}/${topic}`
    let folderOf = folders.get(id)
    if (folderOf === undefined) {
      let lastSpan = Number.NaN
      let lastPath = ''
      folderOf = (timestampMs) => {
        const span = Math.floor(timestampMs / spanMs)
        if (span !== lastSpan) {
          lastPath = partitionPath(area, topic, timestampMs, timeZone)
          lastSpan = span
        }
        return lastPath
      }
      folders.set(id, folderOf)
    }
    return folderOf
  }
}
