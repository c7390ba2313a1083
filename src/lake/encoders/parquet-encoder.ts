import { rm, writeFile } from 'node:fs/promises'
import type { DuckDBConnection } from '@duckdb/node-api'
import type { LakeEncoder } from './lake-encoder.ts'

/**
 * Parquet through DuckDB: the rows go to a hidden JSON Lines temp file that DuckDB reads (inferring
 * nested STRUCTs from all rows) and copies to Parquet. DuckDB loads only when the first file is written.
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
    async write(path, lines) {
      const source = `${path}.json.tmp`
      await writeFile(source, `${lines.join('\n')}\n`)
      try {
        const duck = await connect()
        await duck.run(
          `COPY (SELECT * FROM read_json(${quote(source)}, format = 'newline_delimited', sample_size = -1)) ` +
            `TO ${quote(path)} (FORMAT parquet, COMPRESSION zstd)`,
        )
      } finally {
        await rm(source, { force: true })
      }
    },
    async close() {
      if (connection !== undefined) (await connection).closeSync()
    },
  }
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}
