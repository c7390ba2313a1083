import { type IncomingMessage, type ServerResponse } from 'node:http'
import { entityFor, commandIdFor, type KsqlEntity } from './entities.ts'
import { selectOnKsql } from './error-codes.ts'
import { extendDescription } from './describe-extended.ts'
import { isQueryStatement, isStateChange, parseKsqlRequest, readJson, sendJson } from './http-io.ts'
import type { CommandRecord, ServerContext } from './server-context.ts'

export async function handleKsql(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const request = parseKsqlRequest(await readJson(req), 'ksql')
  // Split and parsed once: the checks below, the Kafka topics and the engine's runs share it.
  const prepared = ctx.engine.prepare(request.sql, {
    properties: request.properties,
    variables: request.variables,
  })
  const { statements } = prepared
  for (const { text } of statements) if (isQueryStatement(text)) throw selectOnKsql(text)
  const { results, sequence } = await ctx.backend.exclusive(async () => {
    await ctx.backend.beforeExecute?.(request, prepared)
    const executed = ctx.engine.executePrepared(prepared)
    // Topics go before the commit: a later statement of the same request may create a sink of
    // the same name, which the commit must then create anew (not write into the doomed one).
    for (const [i, result] of executed.entries()) {
      const statementText = statements[i]?.text ?? ''
      if (result.kind === 'sourceDropped' && /\bDELETE\s+TOPIC\s*;?\s*$/i.test(statementText)) {
        const topic = /\(topic: ([^)]+)\)/.exec(result.message)?.[1]
        if (topic !== undefined) await ctx.backend.deleteTopic(topic)
      }
    }
    const changes = executed.some(isStateChange)
    return { results: executed, sequence: changes ? await ctx.backend.commit(request, executed) : -1 }
  })
  const entities: KsqlEntity[] = []
  const queries = ctx.engine.queries()
  for (const [i, result] of results.entries()) {
    const statementText = statements[i]?.text ?? ''
    let entity = entityFor(result, {
      statementText,
      commandSequenceNumber: sequence,
      queries,
      ...(ctx.listening.hostPort === undefined ? {} : { host: ctx.listening.hostPort }),
    })
    if (entity === null) continue
    if (result.kind === 'description' && result.extended) {
      const description = entity['sourceDescription'] as Record<string, unknown>
      entity = {
        ...entity,
        sourceDescription: await extendDescription(
          description,
          ctx.backend,
          ctx.topicStatistics?.stats ?? null,
        ),
      }
    }
    const commandId = commandIdFor(result, statementText)
    if (commandId !== null) {
      const status = entity['commandStatus'] as CommandRecord
      ctx.commands.set(commandId, status)
    }
    entities.push(entity)
  }
  sendJson(res, 200, entities, req)
}
