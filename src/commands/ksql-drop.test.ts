import { describe, expect, it } from 'vitest'
import type { KsqlClient } from '../ksql-client/index.ts'
import { dropWithTopic } from './ksql-drop.ts'

/** A client that records statements and fails the ones matching `refuse` with `message`. */
function recordingClient(refuse: RegExp, message: string): { client: KsqlClient; sent: string[] } {
  const sent: string[] = []
  const client = {
    execute: async (sql: string) => {
      sent.push(sql)
      if (refuse.test(sql)) throw new Error(message)
      return []
    },
  } as unknown as KsqlClient
  return { client, sent }
}

describe('dropWithTopic', () => {
  it('drops the source and its topic in one statement', async () => {
    const { client, sent } = recordingClient(/^$/, '')
    await expect(dropWithTopic(client, 'DROP STREAM IF EXISTS `S`')).resolves.toBe(true)
    expect(sent).toEqual(['DROP STREAM IF EXISTS `S` DELETE TOPIC;'])
  })

  it('keeps the topic of a read-only source and still drops the source', async () => {
    const { client, sent } = recordingClient(
      /DELETE TOPIC/,
      'Cannot delete topic for read-only source: TRANSACTION_LATEST',
    )
    await expect(dropWithTopic(client, 'DROP TABLE IF EXISTS `TRANSACTION_LATEST`')).resolves.toBe(false)
    expect(sent).toEqual([
      'DROP TABLE IF EXISTS `TRANSACTION_LATEST` DELETE TOPIC;',
      'DROP TABLE IF EXISTS `TRANSACTION_LATEST`;',
    ])
  })

  it('passes any other server error on', async () => {
    const { client } = recordingClient(/DELETE TOPIC/, 'Source S does not exist.')
    await expect(dropWithTopic(client, 'DROP STREAM `S`')).rejects.toThrow('does not exist')
  })
})
