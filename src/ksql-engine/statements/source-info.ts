import type { SourceInfo } from '../engine-api.ts'
import type { DataSource, LogicalSchema } from '../metastore/source.ts'
import { formatSqlType } from '../types/sql-type.ts'

export function formatSchema(schema: LogicalSchema): string {
  return [
    ...schema.key.map((c) => `\`${c.name}\` ${formatSqlType(c.type)} KEY`),
    ...schema.value.map((c) => `\`${c.name}\` ${formatSqlType(c.type)}`),
  ].join(', ')
}

export function sourceInfo(source: DataSource): SourceInfo {
  const valueFeatures: string[] = []
  if (!source.formats.wrapSingleValue) valueFeatures.push('UNWRAP_SINGLES')
  const keyFeatures: string[] = []
  if (source.schema.key.length === 1 && source.formats.keyFormat === 'JSON')
    keyFeatures.push('UNWRAP_SINGLES')
  return {
    name: source.name,
    type: source.type,
    topic: source.topic,
    columns: [
      ...source.schema.key.map((c) => ({ name: c.name, type: c.type, namespace: 'KEY' as const })),
      ...source.schema.value.map((c) => ({ name: c.name, type: c.type, namespace: 'VALUE' as const })),
    ],
    keyFormat: source.formats.keyFormat,
    valueFormat: source.formats.valueFormat,
    keyFeatures,
    valueFeatures,
    windowType: source.window?.type ?? null,
    windowSizeMs: source.window?.sizeMs ?? null,
    isSource: source.isSource,
    timestampColumn: source.timestampColumn,
    statement: source.statement,
  }
}
