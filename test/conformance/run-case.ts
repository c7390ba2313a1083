/**
 * Runs one QTT/RQTT case against a fresh engine and classifies the result: passed, failed (with a
 * short category used to rank failure causes) or unsupported (the engine said it does not implement
 * something the case needs).
 */
import type { Engine, EngineRecord, SourceInfo, StatementResult } from '../../src/ksql-engine/engine-api.ts'
import { compareTopic, valuesEqual } from './compare.ts'
import { formatSqlType } from '../../src/ksql-engine/types/sql-type.ts'
import { normalizeSchema, postProblems } from './post-checks.ts'
import type { QttCase, QttExpectedError, QttRecord, QttResponse } from './qtt-case.ts'
import { decodeRecord, encodeKey, encodeValue, expectedInSinkTypes } from './record-codec.ts'

export type CaseOutcome =
  | { readonly kind: 'passed' }
  | { readonly kind: 'failed'; readonly category: string; readonly detail: string }
  | { readonly kind: 'unsupported'; readonly detail: string }

export type EngineFactory = (properties: Readonly<Record<string, string>>) => Engine

/** What the upstream harness runs with: read from the start, every aggregate update emitted. */
export const HARNESS_PROPERTIES: Readonly<Record<string, string>> = {
  'auto.offset.reset': 'earliest',
  'cache.max.bytes.buffering': '0',
  'ksql.service.id': 'some.ksql.service.id',
}

interface ThrownInfo {
  readonly kind: string
  readonly message: string
  /** The failing statement as the engine reports it (EngineError.info.statementText). */
  readonly statementText?: string
}

export function runCase(createEngine: EngineFactory, qttCase: QttCase): CaseOutcome {
  try {
    return runCaseUnguarded(createEngine, qttCase)
  } catch (e) {
    // A crash outside statement execution (produce, records, sources): an engine defect.
    const info = thrownInfo(e)
    if (info.kind === 'unsupported') return { kind: 'unsupported', detail: info.message }
    return { kind: 'failed', category: `engine crash: ${firstWords(info.message)}`, detail: info.message }
  }
}

function runCaseUnguarded(createEngine: EngineFactory, qttCase: QttCase): CaseOutcome {
  const test = qttCase.test
  const properties = {
    ...HARNESS_PROPERTIES,
    ...stringProperties(test.config),
    ...stringProperties(test.properties),
  }
  const engine = createEngine(properties)
  const expectedError = test.expectedException ?? test.expectedError

  for (const topic of test.topics ?? []) engine.createTopic(topic.name, topic.partitions ?? 1)
  for (const record of [...(test.inputs ?? []), ...(test.outputs ?? [])]) {
    if (!engine.topics().includes(record.topic)) engine.createTopic(record.topic, 1)
  }

  const statements = test.statements
  // REST cases (responses or expectedError, as RestTestExecutor reads them) send the queries apart.
  const isRestCase = test.responses !== undefined || test.expectedError !== undefined
  const firstQuery = isRestCase ? statements.findIndex(isQueryStatement) : -1
  const adminStatements = firstQuery === -1 ? statements : statements.slice(0, firstQuery)
  const results: (StatementResult[] | null)[] = []

  for (const [i, statement] of adminStatements.entries()) {
    const outcome = execute(engine, statement, properties, linesBefore(statements, i))
    if ('error' in outcome) return errorOutcome(outcome.error, expectedError, statement)
    results.push(outcome.results)
  }
  try {
    produceInputs(engine, test.inputs ?? [])
  } catch (e) {
    const info = thrownInfo(e)
    if (expectedError !== undefined && runtimeMessageMatches(info.message, expectedError))
      return { kind: 'passed' }
    if (info.kind === 'unsupported') return { kind: 'unsupported', detail: info.message }
    return { kind: 'failed', category: `produce threw: ${firstWords(info.message)}`, detail: info.message }
  }
  if (firstQuery !== -1) {
    for (const [i, statement] of statements.entries()) {
      if (i < firstQuery) continue
      // Upstream's RestTestExecutor sends each query alone to /query: its positions are on line 1.
      const outcome = execute(engine, statement, properties, 0)
      if ('error' in outcome) return errorOutcome(outcome.error, expectedError, statement)
      results.push(outcome.results)
    }
  }

  if (expectedError !== undefined) {
    // A runtime failure upstream (the topology dies) is a processing-log entry here.
    if (
      isRuntimeError(expectedError) &&
      engine.processingLog().some((l) => runtimeMessageMatches(l.message, expectedError))
    ) {
      return { kind: 'passed' }
    }
    return {
      kind: 'failed',
      category: 'expected error not raised',
      detail: `expected ${expectedError.type ?? 'an error'}: ${expectedError.message ?? ''}`,
    }
  }
  if (test.responses !== undefined) {
    const problem = responsesProblem(test.responses, results)
    if (problem !== null) return problem
  }
  const outputProblem = outputsProblem(engine, test.outputs ?? [])
  if (outputProblem !== null) return outputProblem
  const post = postProblems(test.post, engine)
  if (post.length > 0) return { kind: 'failed', category: postCategory(post[0]!), detail: post.join('; ') }
  return { kind: 'passed' }
}

/**
 * Upstream parses the statements as one script joined by newlines, so error positions say
 * `line 2:13` for the second statement: blank lines in front keep those positions.
 */
function linesBefore(statements: readonly string[], index: number): number {
  return statements.slice(0, index).reduce((n, s) => n + s.split('\n').length, 0)
}

function execute(
  engine: Engine,
  statement: string,
  properties: Readonly<Record<string, string>>,
  lineOffset: number,
): { readonly results: StatementResult[] } | { readonly error: ThrownInfo } {
  try {
    return { results: engine.execute('\n'.repeat(lineOffset) + statement, { properties }) }
  } catch (e) {
    return { error: thrownInfo(e) }
  }
}

function errorOutcome(
  error: ThrownInfo,
  expected: QttExpectedError | undefined,
  statement: string,
): CaseOutcome {
  if (expected !== undefined) {
    if (messageMatches(error, expected)) return { kind: 'passed' }
    return {
      kind: 'failed',
      category: 'wrong error message',
      detail: `expected message containing "${expected.message ?? ''}", got "${error.message}"`,
    }
  }
  if (error.kind === 'unsupported')
    return { kind: 'unsupported', detail: `${error.message} [${oneLine(statement)}]` }
  return {
    kind: 'failed',
    category: `${error.kind} error: ${firstWords(error.message)}`,
    detail: `${error.message} [${oneLine(statement)}]`,
  }
}

/** Contains-check, also against the `<message>\nStatement: <text>` form of KsqlStatementException. */
function messageMatches(error: ThrownInfo, expected: QttExpectedError): boolean {
  if (expected.message === undefined || error.message.includes(expected.message)) return true
  const statement = error.statementText?.trim()
  return statement !== undefined && `${error.message}\nStatement: ${statement}`.includes(expected.message)
}

function isRuntimeError(expected: QttExpectedError): boolean {
  return expected.type?.endsWith('StreamsException') === true
}

function runtimeMessageMatches(message: string, expected: QttExpectedError): boolean {
  if (!isRuntimeError(expected)) return messageMatches({ kind: 'runtime', message }, expected)
  const wanted = expected.causeMessage ?? expected.message
  return wanted === undefined || message.includes(wanted)
}

/** Writes the inputs as raw records; `partitionOf` picks the partition as a producer would (default 0). */
export function produceInputs(
  engine: Engine,
  inputs: readonly QttRecord[],
  partitionOf: (topic: string, key: Buffer | null) => number = () => 0,
): void {
  for (const input of inputs) {
    const source = sourceForTopic(engine.sources(), input.topic)
    const key = encodeKey(input.key, source, input.window)
    engine.produce({
      topic: input.topic,
      partition: partitionOf(input.topic, key),
      key,
      value: encodeValue(input.value, source),
      timestamp: input.timestamp ?? 0,
    })
  }
}

export function outputsProblem(engine: Engine, outputs: readonly QttRecord[]): CaseOutcome | null {
  const byTopic = new Map<string, QttRecord[]>()
  for (const output of outputs) byTopic.set(output.topic, [...(byTopic.get(output.topic) ?? []), output])
  const sources = engine.sources()
  for (const [topic, expected] of byTopic) {
    const source = sourceForTopic(sources, topic)
    const actual = engine.topics().includes(topic) ? engine.records(topic) : []
    const decoded = actual.map((r: EngineRecord) => decodeRecord(r, source))
    const mismatch = compareTopic(
      topic,
      expected.map((e) => inSinkTypes(e, source)),
      decoded,
    )
    if (mismatch !== null) {
      return { kind: 'failed', category: `output ${mismatch.what}`, detail: `${topic}: ${mismatch.detail}` }
    }
  }
  return null
}

function inSinkTypes(record: QttRecord, source: SourceInfo | null): QttRecord {
  if (source === null) return record
  const keys = source.columns.filter((c) => c.namespace === 'KEY')
  const values = source.columns.filter((c) => c.namespace === 'VALUE')
  // Only JSON carries DECIMALs as numbers; DELIMITED text is compared as text.
  const valueWrapped = !source.valueFeatures.includes('UNWRAP_SINGLES')
  return {
    ...record,
    key: source.keyFormat === 'JSON' ? expectedInSinkTypes(record.key, keys, keys.length > 1) : record.key,
    value:
      source.valueFormat === 'JSON' ? expectedInSinkTypes(record.value, values, valueWrapped) : record.value,
  }
}

/** The source whose schema describes a topic's records: prefer one that writes it (a sink). */
function sourceForTopic(sources: readonly SourceInfo[], topic: string): SourceInfo | null {
  return sources.find((s) => s.topic === topic) ?? null
}

/** RQTT `responses`: one per statement; admin entries only need success, query entries need the rows. */
function responsesProblem(
  responses: readonly QttResponse[],
  results: readonly (StatementResult[] | null)[],
): CaseOutcome | null {
  for (let i = 0; i < responses.length; i++) {
    const response = responses[i]!
    if (!('query' in response)) continue
    const result = results[i]?.[0]
    if (result === undefined || result.kind !== 'queryRows') {
      return {
        kind: 'unsupported',
        detail: `statement ${i} gave ${result?.kind ?? 'nothing'}, not query rows`,
      }
    }
    const expectedRows = response.query
      .map((entry) => entry['row'] as { columns?: unknown[] } | undefined)
      .filter((row): row is { columns?: unknown[] } => row !== undefined)
      .map((row) => row.columns ?? [])
    const header = response.query
      .map((entry) => entry['header'] as { schema?: string } | undefined)
      .find(Boolean)
    if (header?.schema !== undefined) {
      const actualSchema = result.columns
        .map((c) => `\`${c.name}\` ${formatSqlType(c.type)}${c.namespace === 'KEY' ? ' KEY' : ''}`)
        .join(', ')
      if (normalizeSchema(actualSchema) !== normalizeSchema(header.schema)) {
        return {
          kind: 'failed',
          category: 'query header schema',
          detail: `statement ${i}: expected ${header.schema} got ${actualSchema}`,
        }
      }
    }
    const actualRows = result.rows.map((row) => [...row])
    if (!rowsEqual(expectedRows, actualRows)) {
      return {
        kind: 'failed',
        category: 'query rows',
        detail: `statement ${i}: expected ${JSON.stringify(expectedRows)} got ${JSON.stringify(actualRows)}`,
      }
    }
  }
  return null
}

function rowsEqual(expected: readonly unknown[][], actual: readonly unknown[][]): boolean {
  if (expected.length !== actual.length) return false
  // Pull-query row order over several partitions is not defined: compare as multisets.
  const remaining = [...actual]
  for (const row of expected) {
    const i = remaining.findIndex((r) => valuesEqual(row, r))
    if (i === -1) return false
    remaining.splice(i, 1)
  }
  return true
}

function isQueryStatement(statement: string): boolean {
  return /^\s*(SELECT|PRINT)\b/i.test(statement)
}

export function thrownInfo(e: unknown): ThrownInfo {
  if (e instanceof Error) {
    const withKind = e as Error & { kind?: unknown; info?: { kind?: unknown; statementText?: unknown } }
    const kind =
      typeof withKind.kind === 'string'
        ? withKind.kind
        : typeof withKind.info?.kind === 'string'
          ? withKind.info.kind
          : null
    const statementText = withKind.info?.statementText
    if (kind !== null) {
      return typeof statementText === 'string'
        ? { kind, message: e.message, statementText }
        : { kind, message: e.message }
    }
    if (e.name === 'UnsupportedStatementError') return { kind: 'unsupported', message: e.message }
    if (e.name === 'ParseError') return { kind: 'parse', message: e.message }
    if (e.name === 'StatementError') return { kind: 'statement', message: e.message }
    return { kind: 'crash', message: `${e.name}: ${e.message}` }
  }
  return { kind: 'crash', message: String(e) }
}

function stringProperties(props: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(props ?? {})) out[k] = typeof v === 'string' ? v : JSON.stringify(v)
  return out
}

function postCategory(problem: string): string {
  const m =
    /^post: (?:\S+ )?(schema|key format|value format|key features|value features|isSource|is a|topic)/.exec(
      problem,
    )
  return `post ${m?.[1] ?? 'check'}`
}

/** Leading words of an error, with quoted names and numbers blurred so similar errors group together. */
export function firstWords(message: string): string {
  return oneLine(message)
    .replace(/`[^`]*`|'[^']*'|"[^"]*"/g, '…')
    .replace(/\d+/g, 'N')
    .split(' ')
    .slice(0, 8)
    .join(' ')
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
