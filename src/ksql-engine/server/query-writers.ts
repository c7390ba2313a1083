import { KSQL_TYPE } from './http-io.ts'
import { type ServerResponse } from 'node:http'
import type { ColumnInfo } from '../engine-api.ts'
import { formatSqlType } from '../types/sql-type.ts'
import { headerSchema } from './entities.ts'
import { toHttpError } from './error-codes.ts'

export interface QueryWriter {
  /** /query-stream ids are UUIDs; /query ids are transient_<SOURCE>_<n>. */
  readonly pushIds: boolean
  header(res: ServerResponse, queryId: string, columns: readonly ColumnInfo[]): void
  /** `tombstone`: a deleted table row; only /query shows those (with `"tombstone":true`). */
  row(res: ServerResponse, row: readonly unknown[], tombstone?: boolean): void
  keepAlive(res: ServerResponse): void
  end(res: ServerResponse, finalMessage: string | null): void
  error(res: ServerResponse, error: unknown): void
}

/** /query: a JSON array written element by element, `,\n` separated, bare `\n` as keep-alive. */
export const legacyQueryWriter: QueryWriter = {
  pushIds: false,
  header(res, queryId, columns) {
    res.writeHead(200, { 'Content-Type': KSQL_TYPE, 'Transfer-Encoding': 'chunked' })
    res.write(
      `[{"header":{"queryId":${JSON.stringify(queryId)},"schema":${JSON.stringify(headerSchema(columns))}}},\n`,
    )
  },
  row(res, row, tombstone) {
    res.write(`{"row":{"columns":${JSON.stringify(row)}${tombstone === true ? ',"tombstone":true' : ''}}},\n`)
  },
  keepAlive(res) {
    res.write('\n')
  },
  end(res, finalMessage) {
    res.end(finalMessage === null ? ']\n' : `{"finalMessage":${JSON.stringify(finalMessage)}}]\n`)
  },
  error(res, error) {
    res.end(`{"errorMessage":${JSON.stringify(toHttpError(error).body)}}]\n`)
  },
}

export function metadata(queryId: string, columns: readonly ColumnInfo[]): string {
  return JSON.stringify({
    queryId,
    columnNames: columns.map((c) => c.name),
    columnTypes: columns.map((c) => formatSqlType(c.type)),
  })
}

/** /query-stream, application/vnd.ksqlapi.delimited.v1: metadata line, then one JSON array per row. */
export const delimitedWriter: QueryWriter = {
  pushIds: true,
  header(res, queryId, columns) {
    res.writeHead(200, {
      'Content-Type': 'application/vnd.ksqlapi.delimited.v1',
      'Transfer-Encoding': 'chunked',
    })
    res.write(`${metadata(queryId, columns)}\n`)
  },
  row(res, row, tombstone) {
    if (tombstone !== true) res.write(`${JSON.stringify(row)}\n`)
  },
  keepAlive() {
    // The delimited format has no keep-alive element; the chunked connection stays open.
  },
  end(res) {
    res.end()
  },
  error(res, error) {
    res.end(`${JSON.stringify(toHttpError(error).body)}\n`)
  },
}

/** /query-stream, Accept: application/json: one JSON array `[metadata, row, row, ...]`. */
export function jsonArrayWriter(): QueryWriter {
  return {
    pushIds: true,
    header(res, queryId, columns) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' })
      res.write(`[${metadata(queryId, columns)}`)
    },
    row(res, row, tombstone) {
      if (tombstone !== true) res.write(`,${JSON.stringify(row)}`)
    },
    keepAlive() {
      // Whitespace is not allowed between array elements by every client; stay quiet.
    },
    end(res) {
      res.end(']')
    },
    error(res, error) {
      res.end(`,${JSON.stringify(toHttpError(error).body)}]`)
    },
  }
}
