import { createContext, type GlobalOptions } from '../app/context.ts'
import { createKsql } from '../app/create-deps.ts'
import { usageError } from '../shared/errors.ts'
import type { KsqlClient } from '../ksql-client/index.ts'
import { planDrops, type DropSource } from '../ksql-migrations/plan-drops.ts'

/** `dip ksql drop`: sources dropped in dependency order (derived ones first), their queries terminated. */
export async function runKsqlDrop(
  global: GlobalOptions,
  flags: { readonly names: readonly string[]; readonly all: boolean; readonly deleteTopics: boolean },
): Promise<void> {
  const { loaded, reporter } = createContext(global)
  if (!flags.all && flags.names.length === 0)
    throw usageError('Nothing to drop.', 'name the streams/tables to drop, or pass --all')
  const client = await createKsql(loaded.config)
  const entities = await client.execute('SHOW STREAMS; SHOW TABLES; SHOW QUERIES;')
  const sources = entities.flatMap((e) =>
    e['@type'] === 'streams'
      ? (e['streams'] as DropSource[])
      : e['@type'] === 'tables'
        ? (e['tables'] as DropSource[])
        : [],
  )
  const queries = (entities.find((e) => e['@type'] === 'queries')?.['queries'] ?? []) as {
    id: string
    queryString: string
    sinks: string[]
  }[]
  const plan = planDrops(sources, queries, flags.all ? sources.map((s) => s.name) : flags.names)
  const spinner = reporter.spinner(`dropping ${plan.length} source(s)`)
  const keptTopics: string[] = []
  try {
    for (const step of plan) {
      for (const queryId of step.terminate) await client.execute(`TERMINATE ${queryId};`)
      const drop = `DROP ${step.type} IF EXISTS \`${step.name}\``
      if (!flags.deleteTopics) await client.execute(`${drop};`)
      else if (!(await dropWithTopic(client, drop))) keptTopics.push(step.name)
      spinner.update(`dropped ${step.name}`)
    }
  } catch (error) {
    spinner.fail('drop stopped')
    throw error
  }
  spinner.succeed(`dropped ${plan.length} source(s)${flags.deleteTopics ? ' and their topics' : ''}`)
  if (keptTopics.length > 0)
    reporter.info(
      `kept the topics of read-only source(s) ${keptTopics.join(', ')} (ksqlDB never deletes them)`,
    )
  reporter.result({ dropped: plan.map((s) => s.name), deleteTopics: flags.deleteTopics, keptTopics })
}

/**
 * ksqlDB refuses DELETE TOPIC for read-only (SOURCE) streams and tables: their topic belongs to
 * whoever feeds it. `--all --delete-topics` then still drops the source and keeps its topic
 * instead of stopping half way. Returns whether the topic went too.
 */
export async function dropWithTopic(client: KsqlClient, drop: string): Promise<boolean> {
  try {
    await client.execute(`${drop} DELETE TOPIC;`)
    return true
  } catch (error) {
    if (!/read-only source/i.test((error as Error).message)) throw error
    await client.execute(`${drop};`)
    return false
  }
}
