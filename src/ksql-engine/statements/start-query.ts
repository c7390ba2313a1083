import type { PersistentPlan } from '../planner/build-execution-plan.ts'
import type { QueryInfo } from '../engine-api.ts'
import { StatementError } from '../expression/statement-error.ts'
import { planInputTopics, planSourceNames } from '../planner/plan-topics.ts'
import { buildTopology } from '../runtime/build-topology.ts'
import { mergeByTimestamp } from '../runtime/merge-inputs.ts'
import { createSinkOperator } from '../runtime/operators/sink-operator.ts'
import {
  keepTableLatest,
  operatorContext,
  property,
  recordError,
  type EngineContext,
  type ExecutionState,
  type RequestScope,
  type RunningQuery,
} from './engine-context.ts'

/** Registers and runs a persistent query's plan (dry runs register it only). */
export function startQuery(
  ctx: EngineContext,
  plan: PersistentPlan,
  s: ExecutionState,
  scope: RequestScope,
): void {
  const { queryId, statement: text, sink } = plan
  const info: QueryInfo = {
    id: queryId,
    statement: text,
    sinks: [sink.name],
    sinkTopics: [sink.topic],
    sources: planSourceNames(plan),
    state: 'RUNNING',
  }
  checkNoFeedbackLoop(queryId, plan.source.topic, sink.topic, s)
  const fromEarliest = (property(ctx, scope, 'auto.offset.reset') ?? 'latest') === 'earliest'
  const running: RunningQuery = {
    info,
    plan,
    stop: () => undefined,
    feed: () => undefined,
    fromLatest: !fromEarliest,
  }
  s.queries.set(queryId, running)
  if (s.dryRun) return
  if (sink.isTable) keepTableLatest(ctx, s, sink.topic)
  const context = operatorContext(ctx, queryId, plan.source.topic)
  const handler = buildTopology(plan, context, createSinkOperator(sink, context, ctx.topics))
  running.feed = (record) => {
    try {
      handler(record)
    } catch (error) {
      recordError(ctx, {
        queryId,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        message: (error as Error).message,
      })
    }
  }
  // A join's table side is read first: on equal timestamps its rows are in the store first.
  const inputs = planInputTopics(plan).reverse()
  if (fromEarliest) {
    const held = inputs.filter((topic) => ctx.topics.holdsHistory(topic))
    for (const record of mergeByTimestamp(held.map((topic) => [...ctx.topics.records(topic)])))
      handler(record)
    for (const topic of inputs) if (!held.includes(topic)) ctx.backfills.push({ queryId, topic })
  }
  const stops = inputs.map((topic) =>
    ctx.topics.subscribe(topic, (record) => {
      if (!ctx.muted.has(queryId)) running.feed(record)
    }),
  )
  running.stop = () => {
    for (const stop of stops) stop()
  }
}

/**
 * A query whose output comes back to its own input (INSERT INTO S SELECT … FROM S, or through
 * other queries or a second source over the same topic) would run forever: in this engine every
 * record is processed to completion before the next, so the server would never answer again.
 * ksqlDB accepts such loops (they grow the topic without end); here they are refused.
 */
export function checkNoFeedbackLoop(
  queryId: string,
  fromTopic: string,
  toTopic: string,
  s: ExecutionState,
): void {
  const next = new Map<string, string[]>()
  for (const q of s.queries.values()) {
    if (q.info.id === queryId || q.info.state !== 'RUNNING') continue
    next.set(q.plan.source.topic, [...(next.get(q.plan.source.topic) ?? []), ...q.info.sinkTopics])
  }
  const seen = new Set<string>()
  const pending = [toTopic]
  while (pending.length > 0) {
    const topic = pending.pop() as string
    if (topic === fromTopic)
      throw new StatementError(
        `Cannot start query ${queryId}: its output (topic ${toTopic}) would flow back into its own input (topic ${fromTopic}), a loop that never ends. Read from a source that does not depend on the sink.`,
      )
    if (seen.has(topic)) continue
    seen.add(topic)
    pending.push(...(next.get(topic) ?? []))
  }
}
