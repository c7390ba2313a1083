import { errorMessage } from '../../shared/errors.ts'
import type { StatementResult } from '../engine-api.ts'
import type { AcceptedRequest } from '../server/ksql-backend.ts'
import {
  type BackendState,
  inputTopics,
  restartConsumer,
  restartConsumerIfInputsChanged,
} from './backend-state.ts'
import { decodeCommand, decodeLatestStarts, encodeCommand, replayable } from './command-log.ts'
import { consumeLoop } from './consume-inputs.ts'
import { runBackfills } from './history-reads.ts'
import { readWholeTopic } from './read-topic.ts'
import {
  createEngineTopicsInKafka,
  ensureCommandTopic,
  failReadersOfMissingInputs,
  mirrorKafkaTopics,
} from './topic-admin.ts'
import { commitTransaction, deliverable, settled } from './transactions.ts'

/**
 * How often the input topics are checked to still exist: the consumer does not fail when one is
 * deleted (kafkajs retries it forever), it just stops delivering, for every query.
 */
const INPUT_CHECK_EVERY_MS = 2000

/** Replays the command topic, then starts moving records between Kafka and the engine. */
export async function startBackend(state: BackendState): Promise<{ replayedCommands: number }> {
  const { engine, log, output } = state
  await ensureCommandTopic(state)
  // Fence first: this aborts a transaction a killed predecessor left open, or waits until its
  // commit is complete, so the command topic and the committed offsets read below are final.
  await commitTransaction(state, () => Promise.resolve(), true)
  await mirrorKafkaTopics(state)
  const commands = await readWholeTopic(state.ports, state.commandTopic, `${state.groupId}_replay`)
  for (const record of commands) {
    const request = decodeCommand(record.value)
    state.sequence = Number(record.offset)
    if (request === null) continue
    const replay = replayable(
      engine.prepare(request.sql, { properties: request.properties, variables: request.variables }),
    )
    if (replay.statements.length === 0) continue
    try {
      output.noteCaching(request, engine.executePrepared(replay))
    } catch (error) {
      log(`command ${record.offset} not replayed: ${errorMessage(error)}`)
    }
    for (const [queryId, at] of decodeLatestStarts(record.value)) state.mutes.set(queryId, at)
  }
  for (const query of engine.queries()) state.knownQueries.add(query.id)
  // Whatever the replay wrote was written before; sources are re-read below to rebuild state.
  output.discard()
  engine.takeBackfills()
  await createEngineTopicsInKafka(state)
  state.lastInputs = inputTopics(state).join(',')
  state.loop = consumeLoop(state)
  let checking = false
  state.inputCheck = setInterval(() => {
    if (checking || state.stopped) return
    checking = true
    failReadersOfMissingInputs(state)
      .catch((error: unknown) => log(`checking the input topics failed: ${errorMessage(error)}`))
      .finally(() => (checking = false))
  }, INPUT_CHECK_EVERY_MS)
  state.inputCheck.unref()
  return { replayedCommands: commands.length }
}

/**
 * Commits an executed request: its command (if it changed the metastore) and its output in one
 * transaction. Returns the command sequence number.
 */
export async function commitRequest(
  state: BackendState,
  request: AcceptedRequest,
  results: readonly StatementResult[],
): Promise<number> {
  const { output } = state
  const persist = results.some((r) => r.kind !== 'inserted' || r.queryId !== null)
  output.noteCaching(request, results)
  // Backfills read the engine's own topics to their end: every batch's output must be in.
  await settled(state)
  await createEngineTopicsInKafka(state)
  await runBackfills(state)
  const statementOutput = output.take(new Set(inputTopics(state)))
  // Taken once, outside the transaction's work (which may be retried).
  const starts = latestStarts(state)
  await commitTransaction(state, async (tx) => {
    if (persist)
      await tx.send([{ topic: state.commandTopic, key: null, value: encodeCommand(request, starts) }])
    const records = deliverable(state, statementOutput.records)
    if (records.length > 0) await tx.send(records)
  })
  statementOutput.written()
  if (persist) state.sequence++
  restartConsumerIfInputsChanged(state)
  return state.sequence
}

export async function stopBackend(state: BackendState): Promise<void> {
  state.stopped = true
  clearInterval(state.inputCheck)
  restartConsumer(state)
  await state.loop
  await state.inFlight
  await state.sink.close()
}

/** Queries this request created with 'latest', with the input positions they start from. */
function latestStarts(state: BackendState): Map<string, ReadonlyMap<string, bigint>> {
  const { engine } = state
  const starts = new Map<string, ReadonlyMap<string, bigint>>()
  for (const query of engine.queries()) {
    if (state.knownQueries.has(query.id)) continue
    state.knownQueries.add(query.id)
    if (engine.startedFromLatest(query.id)) starts.set(query.id, new Map(state.positions))
  }
  return starts
}
