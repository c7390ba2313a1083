import { compileJavaDateTimePattern, type JavaDateTimeFormatter } from '../../functions/index.ts'

const formatters = new Map<string, JavaDateTimeFormatter>()

/** TIMESTAMP_FORMAT parsing (java.time patterns, UTC unless the text carries a zone); compiled once per pattern. */
export function parseTimestampText(text: string, pattern: string): number {
  let formatter = formatters.get(pattern)
  if (formatter === undefined) {
    formatter = compileJavaDateTimePattern(pattern)
    formatters.set(pattern, formatter)
  }
  return formatter.parse(text)
}
