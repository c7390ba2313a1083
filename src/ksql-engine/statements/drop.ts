import type { StatementResult } from '../engine-api.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { Statement } from '../parser/ast.ts'
import { stopQuery, type EngineContext, type ExecutionState } from './engine-context.ts'

export function drop(
  ctx: EngineContext,
  statement: Statement & { kind: 'drop' },
  s: ExecutionState,
): StatementResult {
  const source = s.metastore.get(statement.name)
  const typeWord = statement.sourceType === 'STREAM' ? 'Stream' : 'Table'
  if (source === undefined) {
    if (statement.ifExists)
      return {
        kind: 'sourceDropped',
        name: statement.name,
        message: `Source ${statement.name} does not exist.`,
      }
    throw new StatementError(`${typeWord} ${statement.name} does not exist.`)
  }
  if (source.type !== statement.sourceType) {
    throw new StatementError(
      `Incompatible data source type is ${source.type}, but statement was DROP ${statement.sourceType}`,
    )
  }
  const derived = s.metastore.all().filter((other) => {
    if (other.createdBy === null || other.name === source.name) return false
    const q = s.queries.get(other.createdBy)
    return q !== undefined && q.info.sources.includes(source.name)
  })
  if (derived.length > 0) {
    throw new StatementError(
      `Cannot drop ${source.name}.\nThe following streams and/or tables read from this source: [${derived
        .map((d) => d.name)
        .sort()
        .join(', ')}].\nYou need to drop them before dropping ${source.name}.`,
    )
  }
  const others = [...s.queries.values()].filter((q) => q.info.id !== source.createdBy)
  const readers = others
    .filter((q) => q.info.sources.includes(source.name))
    .map((q) => q.info.id)
    .sort()
  const writers = others
    .filter((q) => q.info.sinks.includes(source.name))
    .map((q) => q.info.id)
    .sort()
  if (readers.length > 0 || writers.length > 0) {
    throw new StatementError(
      `Cannot drop ${source.name}.\nThe following queries read from this source: [${readers.join(', ')}].\nThe following queries write into this source: [${writers.join(', ')}].\nYou need to terminate them before dropping ${source.name}.`,
    )
  }
  if (statement.deleteTopic && source.isSource)
    throw new StatementError(`Cannot delete topic for read-only source: ${source.name}`)
  s.commandSeq++
  if (source.createdBy !== null) stopQuery(source.createdBy, s)
  s.metastore.delete(source.name)
  if (statement.deleteTopic && !s.dryRun) ctx.topics.delete(source.topic)
  return {
    kind: 'sourceDropped',
    name: source.name,
    message: `Source \`${source.name}\` (topic: ${source.topic}) was dropped.`,
  }
}
