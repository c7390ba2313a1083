/**
 * A tiny scripted Engine for the runner's own tests: statements are answered by a callback, and an
 * optional pipe copies every produced record of one topic to another through a transform.
 */
import type { Engine, EngineRecord, SourceInfo, StatementResult } from '../../src/ksql-engine/engine-api.ts'
import { INTEGER, STRING, type SqlType } from '../../src/ksql-engine/types/sql-type.ts'

export interface FakeScript {
  readonly onExecute?: (sql: string, engine: FakeEngine) => StatementResult[]
  readonly pipe?: {
    readonly from: string
    readonly to: string
    readonly transform: (record: EngineRecord) => Omit<EngineRecord, 'topic' | 'partition'> | null
  }
}

export class FakeEngine implements Engine {
  readonly executed: string[] = []
  readonly topicRecords = new Map<string, EngineRecord[]>()
  readonly registered: SourceInfo[] = []
  readonly properties: Readonly<Record<string, string>>
  readonly #script: FakeScript

  constructor(script: FakeScript, properties: Readonly<Record<string, string>> = {}) {
    this.#script = script
    this.properties = properties
  }

  execute(sql: string): StatementResult[] {
    this.executed.push(sql)
    return this.#script.onExecute?.(sql, this) ?? []
  }

  createTopic(name: string): void {
    if (!this.topicRecords.has(name)) this.topicRecords.set(name, [])
  }

  produce(record: Omit<EngineRecord, 'partition'> & { readonly partition?: number }): void {
    const stored: EngineRecord = { ...record, partition: record.partition ?? 0 }
    this.append(stored)
    const pipe = this.#script.pipe
    if (pipe !== undefined && record.topic === pipe.from) {
      const out = pipe.transform(stored)
      if (out !== null) this.append({ ...out, topic: pipe.to, partition: 0 })
    }
  }

  records(topic: string): readonly EngineRecord[] {
    return this.topicRecords.get(topic) ?? []
  }

  topics(): string[] {
    return [...this.topicRecords.keys()]
  }

  sources(): SourceInfo[] {
    return this.registered
  }

  queries(): [] {
    return []
  }

  processingLog(): [] {
    return []
  }

  private append(record: EngineRecord): void {
    this.createTopic(record.topic)
    this.topicRecords.get(record.topic)!.push(record)
  }
}

export function fakeSource(
  name: string,
  topic: string,
  columns: readonly [string, SqlType, 'KEY' | 'VALUE'][],
  overrides: Partial<SourceInfo> = {},
): SourceInfo {
  return {
    name,
    type: 'STREAM',
    topic,
    columns: columns.map(([n, type, namespace]) => ({ name: n, type, namespace })),
    keyFormat: 'KAFKA',
    valueFormat: 'JSON',
    keyFeatures: [],
    valueFeatures: [],
    windowType: null,
    windowSizeMs: null,
    isSource: false,
    timestampColumn: null,
    statement: '',
    ...overrides,
  }
}

export const INT_KEY_STRING_VALUE: readonly [string, SqlType, 'KEY' | 'VALUE'][] = [
  ['K', INTEGER, 'KEY'],
  ['V', STRING, 'VALUE'],
]
