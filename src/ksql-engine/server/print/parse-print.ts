/**
 * `PRINT topic [FROM BEGINNING] [INTERVAL | SAMPLE n] [LIMIT n];` as ksqlDB's grammar has it. The
 * topic is a quoted string ('my-topic'), a back-quoted name, or a bare name kept as typed (topic
 * names are case-sensitive).
 */
export interface PrintStatement {
  readonly topic: string
  readonly fromBeginning: boolean
  /** Print every n-th record (1: all). */
  readonly interval: number
  readonly limit: number | null
}

export function isPrintStatement(text: string): boolean {
  return /^\s*PRINT\b/i.test(stripLeadingComments(text))
}

function stripLeadingComments(text: string): string {
  return text.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, '')
}

const USAGE =
  "PRINT <topic> [FROM BEGINNING] [INTERVAL <n>] [LIMIT <n>]; e.g. PRINT 'orders' FROM BEGINNING LIMIT 3;"

/** Parses one PRINT statement; throws an Error whose message names the problem and the syntax. */
export function parsePrint(text: string): PrintStatement {
  let rest = stripLeadingComments(text).trim().replace(/;\s*$/, '').trim()
  const head = /^PRINT\b\s*/i.exec(rest)
  if (head === null) throw new Error(`Expected a PRINT statement: ${USAGE}`)
  rest = rest.slice(head[0].length)
  let topic: string
  const quoted = /^'((?:[^']|'')*)'|^`((?:[^`]|``)*)`|^"((?:[^"]|"")*)"/.exec(rest)
  if (quoted !== null) {
    topic =
      quoted[1]?.replaceAll("''", "'") ??
      quoted[2]?.replaceAll('``', '`') ??
      quoted[3]?.replaceAll('""', '"') ??
      ''
    rest = rest.slice(quoted[0].length)
  } else {
    const bare = /^[A-Za-z_][\w.-]*/.exec(rest)
    if (bare === null) throw new Error(`PRINT needs a topic name: ${USAGE}`)
    topic = bare[0]
    rest = rest.slice(bare[0].length)
  }
  if (topic === '') throw new Error(`PRINT needs a topic name: ${USAGE}`)
  const clauses = /^\s*(FROM\s+BEGINNING)?\s*(?:(?:INTERVAL|SAMPLE)\s+(\S+))?\s*(?:LIMIT\s+(\S+))?\s*$/i.exec(
    rest,
  )
  if (clauses === null) throw new Error(`line 1: unexpected '${rest.trim()}' in PRINT: ${USAGE}`)
  const count = (raw: string | undefined, clause: string): number | null => {
    if (raw === undefined) return null
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw)))
      throw new Error(`${clause} must be a positive whole number, got '${raw}': ${USAGE}`)
    return Number(raw)
  }
  return {
    topic,
    fromBeginning: clauses[1] !== undefined,
    interval: count(clauses[2], 'INTERVAL') ?? 1,
    limit: count(clauses[3], 'LIMIT'),
  }
}
