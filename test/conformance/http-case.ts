/**
 * Runs one RQTT case over HTTP, the way upstream's RestTestExecutor drives a real server: a fresh
 * embedded REST server (in-memory backend) on 127.0.0.1:0; the case's topics created; the admin
 * statements (those before the first SELECT) sent as ONE /ksql request, newline-joined; the inputs
 * written to their topics as a producer would (raw records, encoded with the schema of the source
 * reading the topic); each query sent to /query; then the produced `outputs`, the `responses` and
 * `expectedError` checked. The case's `properties` travel as `streamsProperties` on every request.
 *
 * Deliberately stricter than upstream in one place: upstream lets a case with `expectedError` pass
 * when its admin request succeeds and it has no query; here an expected error must be raised.
 */
import type { Engine, ServingEngine } from '../../src/ksql-engine/engine-api.ts'
import { inMemoryBackend } from '../../src/ksql-engine/server/ksql-backend.ts'
import { startKsqlServer } from '../../src/ksql-engine/server/ksql-server.ts'
import { partitionForKey } from '../../src/shared/murmur2-partition.ts'
import type { QttCase, QttExpectedError, QttTest } from './qtt-case.ts'
import { errorMismatch, responsesMismatch, type ActualResponse, type ErrorResponse } from './rest-compare.ts'
import { postKsql, postQuery } from './rest-client.ts'
import { firstWords, outputsProblem, produceInputs, thrownInfo, type CaseOutcome } from './run-case.ts'

export type ServerEngineFactory = (serverProperties: Readonly<Record<string, string>>) => ServingEngine

/**
 * The server configuration of upstream's RQTT app (TestKsqlRestApp + RestQueryTranslationTest):
 * queries read from the start, every aggregate update emitted, pull table scans allowed.
 */
export const RQTT_SERVER_PROPERTIES: Readonly<Record<string, string>> = {
  'auto.offset.reset': 'earliest',
  'cache.max.bytes.buffering': '0',
  'ksql.query.pull.table.scan.enabled': 'true',
}

export interface HttpCaseOptions {
  /** How long a /query response may stay open (push queries without a reachable LIMIT never end). */
  readonly queryTimeoutMs: number
}

export const DEFAULT_HTTP_OPTIONS: HttpCaseOptions = { queryTimeoutMs: 5_000 }

const UNSUPPORTED = 'not supported by the embedded engine'

export async function runHttpCase(
  createEngine: ServerEngineFactory,
  qttCase: QttCase,
  options: HttpCaseOptions = DEFAULT_HTTP_OPTIONS,
): Promise<CaseOutcome> {
  const engine = createEngine(RQTT_SERVER_PROPERTIES)
  const backend = inMemoryBackend(engine)
  const server = await startKsqlServer({
    backend,
    port: 0,
    host: '127.0.0.1',
  })
  try {
    return await runAgainst(server.url, engine, qttCase, options, (work) => backend.exclusive(work))
  } catch (e) {
    const info = thrownInfo(e)
    return { kind: 'failed', category: `runner: ${firstWords(info.message)}`, detail: info.message }
  } finally {
    await server.close()
  }
}

async function runAgainst(
  url: string,
  engine: Engine,
  qttCase: QttCase,
  options: HttpCaseOptions,
  exclusive: <T>(work: () => T) => Promise<T>,
): Promise<CaseOutcome> {
  const test = qttCase.test
  const statements = test.statements
  const expectedError = test.expectedError ?? test.expectedException
  const lastStatement = statements[statements.length - 1] ?? ''
  const properties = test.properties ?? {}

  const partitions = topicPartitions(test)
  await exclusive(() => {
    for (const [name, count] of partitions) engine.createTopic(name, count)
  })

  const firstQuery = statements.findIndex((s) => s.startsWith('SELECT '))
  const admin = firstQuery === -1 ? statements : statements.slice(0, firstQuery)
  const queries = firstQuery === -1 ? [] : statements.slice(firstQuery)
  const responses: ActualResponse[] = []

  const failedRequest = (error: ErrorResponse, statement: string): CaseOutcome =>
    errorOutcome(error, expectedError, lastStatement, statement)

  if (admin.length > 0) {
    const reply = await postKsql(url, admin.join('\n'), properties)
    if (!reply.ok) return failedRequest(reply.error, admin.join('\n'))
    for (const entity of reply.entities) responses.push({ kind: 'admin', entity })
  }

  try {
    await exclusive(() =>
      produceInputs(engine, test.inputs ?? [], (topic, key) =>
        key === null ? 0 : partitionForKey(key, partitions.get(topic) ?? 1),
      ),
    )
  } catch (e) {
    const info = thrownInfo(e)
    return { kind: 'failed', category: `produce threw: ${firstWords(info.message)}`, detail: info.message }
  }

  for (const query of queries) {
    const reply = await postQuery(url, query, properties, options.queryTimeoutMs)
    if (reply.ok === false) return failedRequest(reply.error, query)
    if (reply.ok === 'timeout') {
      return {
        kind: 'failed',
        category: 'query did not end',
        detail: `${query} still open after ${options.queryTimeoutMs} ms; got ${JSON.stringify(reply.rows).slice(0, 400)}`,
      }
    }
    responses.push({ kind: 'query', rows: reply.rows })
  }

  if (expectedError !== undefined) {
    return {
      kind: 'failed',
      category: 'expected error not raised',
      detail: `expected ${expectedError.type ?? 'an error'}: ${expectedError.message ?? ''}`,
    }
  }
  const outputProblem = outputsProblem(engine, test.outputs ?? [])
  if (outputProblem !== null) return outputProblem
  const mismatch = responsesMismatch(test.responses ?? [], responses, statements)
  if (mismatch !== null) return { kind: 'failed', category: mismatch.category, detail: mismatch.detail }
  return { kind: 'passed' }
}

/** Upstream's test topics have 4 partitions unless the case or a CREATE statement says otherwise. */
const DEFAULT_PARTITIONS = 4

/**
 * The topics to create before the statements run, with their partition counts, as upstream's
 * TestCaseBuilderUtil finds them: the case's `topics`, the KAFKA_TOPIC of CREATE statements (with
 * their PARTITIONS), the topics of input and output records.
 */
export function topicPartitions(test: QttTest): Map<string, number> {
  const found = new Map<string, number>()
  for (const topic of test.topics ?? []) found.set(topic.name, topic.partitions ?? DEFAULT_PARTITIONS)
  for (const statement of test.statements) {
    if (/\bAS\s+SELECT\b/i.test(statement)) continue // the engine creates sink topics itself
    const topic = /\bKAFKA_TOPIC\s*=\s*'([^']+)'/i.exec(statement)?.[1]
    if (topic === undefined || found.has(topic)) continue
    const count = /\bPARTITIONS\s*=\s*(\d+)/i.exec(statement)?.[1]
    found.set(topic, count === undefined ? DEFAULT_PARTITIONS : Number(count))
  }
  for (const record of [...(test.inputs ?? []), ...(test.outputs ?? [])]) {
    if (!found.has(record.topic)) found.set(record.topic, DEFAULT_PARTITIONS)
  }
  return found
}

function errorOutcome(
  error: ErrorResponse,
  expected: QttExpectedError | undefined,
  lastStatement: string,
  sent: string,
): CaseOutcome {
  const message =
    typeof error.body['message'] === 'string' ? error.body['message'] : JSON.stringify(error.body)
  if (expected === undefined) {
    if (message.includes(UNSUPPORTED)) return { kind: 'unsupported', detail: `${message} [${oneLine(sent)}]` }
    return {
      kind: 'failed',
      category: `HTTP ${error.status}: ${firstWords(message)}`,
      detail: `${message} [${oneLine(sent)}]`,
    }
  }
  const mismatch = errorMismatch(expected, error, lastStatement)
  if (mismatch === null) return { kind: 'passed' }
  return { kind: 'failed', category: mismatch.category, detail: mismatch.detail }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
