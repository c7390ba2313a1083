import mysql from 'mysql2/promise'
import { describe, expect, inject, it } from 'vitest'
import { kafkaProbe } from '../../src/kafka/kafka-probes.ts'

describe('the integration stack from global setup', () => {
  it('has a Kafka broker answering metadata requests', async () => {
    const result = await kafkaProbe({ brokers: inject('stack').brokers })()
    expect(result).toMatchObject({ healthy: true })
  })

  it('has MariaDB with the configured user and database', async () => {
    const { mysql: settings } = inject('stack')
    const connection = await mysql.createConnection({ ...settings })
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT DATABASE() AS db')
      expect(rows[0]?.['db']).toBe(settings.database)
    } finally {
      await connection.end()
    }
  })
})
