import { isMap, isSeq, parseDocument, type Document } from 'yaml'
import { feedSchema, type FeedConfig } from '../config/config-schema.ts'
import { DipError } from '../shared/errors.ts'

/**
 * Adds a feed to the text of a dip.config.yaml and returns the new text. The YAML document is
 * edited in place, so the user's comments and key order survive. Pure: text in, text out.
 */
export function addFeedToConfig(text: string, feed: FeedConfig): string {
  const parsed = feedSchema.safeParse(feed)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.')
      const value = key === 'topic' ? feed.topic : key === 'warehouseTable' ? feed.warehouseTable : undefined
      return `${key === 'warehouseTable' ? '--warehouse-table' : key} ${JSON.stringify(value)}: expected ${issue.message}`
    })
    throw new DipError('DIP_USAGE', `Invalid feed: ${problems.join('; ')}.`, {
      hint: 'name an existing Kafka topic, e.g. `dip feed add clickstream --kind stream`; the config file was not changed',
    })
  }
  const doc: Document = parseDocument(text)
  if (doc.errors.length > 0)
    throw new DipError('DIP_CONFIG', `the config file is not valid YAML: ${doc.errors[0]?.message ?? ''}`)
  if (doc.contents === null) doc.contents = doc.createNode({}) as never
  if (!isMap(doc.contents)) throw new DipError('DIP_CONFIG', 'the config file is not a YAML mapping')
  const feeds = doc.get('feeds')
  if (feeds !== undefined && feeds !== null && !isSeq(feeds))
    throw new DipError('DIP_CONFIG', 'feeds: in the config file is not a list')
  const existing = isSeq(feeds) ? (feeds.toJSON() as { topic?: unknown }[]) : []
  if (existing.some((entry) => entry.topic === feed.topic))
    throw new DipError('DIP_USAGE', `feed ${feed.topic} is already in the config file.`, {
      hint: 'edit its entry under feeds: instead (kind, enabled, warehouseTable)',
    })
  const entry = {
    topic: feed.topic,
    kind: feed.kind,
    ...(feed.warehouseTable === undefined ? {} : { warehouseTable: feed.warehouseTable }),
  }
  if (isSeq(feeds)) feeds.add(doc.createNode(entry))
  else doc.set('feeds', doc.createNode([entry]))
  return doc.toString()
}
