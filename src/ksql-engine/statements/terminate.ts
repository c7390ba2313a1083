import type { StatementResult } from '../engine-api.ts'
import { StatementError } from '../expression/statement-error.ts'
import { stopQuery, type ExecutionState, type RunningQuery } from './engine-context.ts'

/** TERMINATE id | ALL: stops the query; its sink stays, without a writer. */
export function terminate(queryId: string | null, s: ExecutionState): StatementResult {
  s.commandSeq++
  if (queryId === null) {
    const ids = [...s.queries.keys()]
    for (const id of ids) stopQuery(id, s)
    return { kind: 'queryTerminated', queryIds: ids, message: 'Query terminated.' }
  }
  const id = [...s.queries.keys()].find((k) => k.toUpperCase() === queryId.toUpperCase())
  if (id === undefined) throw new StatementError(`Unknown queryId: ${queryId}`)
  const q = s.queries.get(id) as RunningQuery
  const sinkSource = q.info.sinks.map((n) => s.metastore.get(n)).find((src) => src?.createdBy === id)
  if (sinkSource !== undefined) {
    // ksqlDB keeps the sink but it no longer has a writer.
    s.metastore.put({ ...sinkSource, createdBy: null })
  }
  stopQuery(id, s)
  return { kind: 'queryTerminated', queryIds: [id], message: 'Query terminated.' }
}
