import { rm } from 'node:fs/promises'
import type { DuckDBConnection } from '@duckdb/node-api'
import type { LakeEncoder } from './lake-encoder.ts'

/**
 * Parquet through DuckDB: DuckDB reads the spooled JSON Lines (inferring nested STRUCTs from all
 * rows) and copies them to Parquet. DuckDB loads only when the first file is written.
 */
export function createParquetEncoder(): LakeEncoder {
  let connection: Promise<DuckDBConnection> | undefined
  const connect = () => {
    connection ??= import('@duckdb/node-api').then(async ({ DuckDBInstance }) => {
      const instance = await DuckDBInstance.create(':memory:', { threads: '1' })
      return instance.connect()
    })
    return connection
  }
  return {
    extension: 'parquet',
    async finish(jsonlPath) {
      const target = jsonlPath.replace(/\.tmp$/, '.parquet.tmp')
      try {
        const duck = await connect()
        await duck.run(
          `COPY (SELECT * FROM read_json(${quote(jsonlPath)}, format = 'newline_delimited', sample_size = -1)) ` +
            `TO ${quote(target)} (FORMAT parquet, COMPRESSION zstd)`,
        )
      } finally {
        await rm(jsonlPath, { force: true })
      }
      return target
    },
    async close() {
      if (connection !== undefined) (await connection).closeSync()
    },
  }
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}
