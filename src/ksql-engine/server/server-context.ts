import type { KsqlBackend } from './ksql-backend.ts'
import type { PushQuery } from './push-query.ts'
import type { trackTopicStatistics } from './describe-extended.ts'

export interface CommandRecord {
  readonly status: 'SUCCESS' | 'ERROR'
  readonly message: string
  readonly queryId: string | null
}

/** What the server's request handlers share, passed explicitly. */
export interface ServerContext {
  readonly backend: KsqlBackend
  readonly engine: KsqlBackend['engine']
  readonly serviceId: string
  readonly commands: Map<string, CommandRecord>
  readonly pushQueries: Map<string, PushQuery>
  readonly topicStatistics: ReturnType<typeof trackTopicStatistics>
  /** Known once listening: EXPLAIN reports the query's state for this host:port. */
  readonly listening: { hostPort?: string }
}
