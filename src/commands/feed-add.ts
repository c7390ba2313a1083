import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { createContext, type GlobalOptions } from '../app/context.ts'
import type { FeedConfig } from '../config/config-schema.ts'
import { addFeedToConfig } from '../governance/add-feed.ts'

/**
 * `dip feed add`: onboards a topic by adding its entry to dip.config.yaml (comments kept). The
 * next `dip consume …` or orchestrator cycle picks it up: both read the config at each run.
 */
export async function feedAdd(
  input: { topic: string; kind: FeedConfig['kind']; warehouseTable?: string },
  global: GlobalOptions,
): Promise<{ file: string; feed: FeedConfig }> {
  const { loaded, reporter } = createContext(global)
  const file = loaded.file ?? resolve(process.cwd(), 'dip.config.yaml')
  const text = existsSync(file) ? await readFile(file, 'utf8') : ''
  const feed: FeedConfig = {
    topic: input.topic,
    kind: input.kind,
    enabled: true,
    ...(input.warehouseTable === undefined ? {} : { warehouseTable: input.warehouseTable }),
  }
  const next = addFeedToConfig(text, feed)
  await writeFile(file, next)
  // Read it back through the normal loader: a file we made invalid must not go unnoticed.
  createContext({ ...global, config: file })
  reporter.result({ file, feed })
  reporter.success(
    `feed ${feed.topic} (${feed.kind}${feed.warehouseTable === undefined ? '' : ` → MySQL ${feed.warehouseTable}`}) added to ${file}`,
  )
  reporter.info('the next dip consume / dip orchestrate cycle picks it up')
  return { file, feed }
}
