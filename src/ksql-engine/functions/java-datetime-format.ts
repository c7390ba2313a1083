import { parseText } from './java-datetime-parse.ts'
import { tokenize } from './java-datetime-pattern.ts'
import { fieldsOf, formatTokens } from './java-datetime-print.ts'
import { UTC_ZONE, type TimeZone } from './time-zone.ts'

/**
 * Java DateTimeFormatter patterns (as ksqlDB's TIMESTAMPTOSTRING, PARSE_TIMESTAMP, TIMESTAMP_FORMAT...
 * use them), compiled once into a formatter and a case-insensitive parser. Supported letters:
 * G y u M L d D E a H k K h m s S n z Z X x O V, `'quoted'` literals, `''`, and `[optional]` sections.
 * Fields missing from a parsed text default to 1970-01-01T00:00:00 in the given zone.
 */
export interface JavaDateTimeFormatter {
  readonly pattern: string
  format(epochMs: number, zone?: TimeZone): string
  /** Epoch ms of the text; a zone/offset in the text wins over `zone`. Throws RecordError. */
  parse(text: string, zone?: TimeZone): number
}

const compiled = new Map<string, JavaDateTimeFormatter>()

/** Compiles (and caches) a pattern; throws an Error with Java's wording for unknown letters. */
export function compileJavaDateTimePattern(pattern: string): JavaDateTimeFormatter {
  let f = compiled.get(pattern)
  if (f === undefined) {
    const tokens = tokenize(pattern)
    f = {
      pattern,
      format: (epochMs, zone = UTC_ZONE) => formatTokens(tokens, fieldsOf(epochMs, zone), zone),
      parse: (text, zone = UTC_ZONE) => parseText(tokens, text, zone, pattern),
    }
    if (compiled.size > 500) compiled.clear()
    compiled.set(pattern, f)
  }
  return f
}
