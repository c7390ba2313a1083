import { describe, expect, it } from 'vitest'
import { brokerAddress, newClusterId, renderServerProperties } from './kafka-server-config.ts'

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  )
}

describe('renderServerProperties', () => {
  const props = parse(
    renderServerProperties({
      host: '127.0.0.1',
      brokerPort: 19092,
      controllerPort: 19093,
      dataDir: '/s/kafka/data',
    }),
  )

  it('makes one process both broker and KRaft controller on the configured ports', () => {
    expect(props['process.roles']).toBe('broker,controller')
    expect(props['listeners']).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093')
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092')
    expect(props['controller.quorum.bootstrap.servers']).toBe('127.0.0.1:19093')
    expect(props['log.dirs']).toBe('/s/kafka/data')
  })

  it('gives every internal topic replication factor 1 so groups and transactions work on one node', () => {
    expect(props['offsets.topic.replication.factor']).toBe('1')
    expect(props['transaction.state.log.replication.factor']).toBe('1')
    expect(props['transaction.state.log.min.isr']).toBe('1')
    expect(props['share.coordinator.state.topic.replication.factor']).toBe('1')
    expect(props['group.initial.rebalance.delay.ms']).toBe('0')
  })
})

describe('brokerAddress', () => {
  it('takes the first broker and maps localhost to the loopback address the broker binds', () => {
    expect(brokerAddress(['localhost:9092', 'other:9093'])).toEqual({ host: '127.0.0.1', port: 9092 })
    expect(brokerAddress(['10.0.0.5:29092'])).toEqual({ host: '10.0.0.5', port: 29092 })
  })
})

describe('newClusterId', () => {
  it('is 22 URL-safe base64 characters, as kafka-storage random-uuid prints', () => {
    const id = newClusterId(new Uint8Array(16).fill(251))
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it("never starts with '-', which kafka-storage would take for an option", () => {
    const dash = new Uint8Array(16).fill(0xf8)
    expect(Buffer.from(dash).toString('base64url')).toMatch(/^-/)
    const id = newClusterId(dash)
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
    for (let first = 0; first < 256; first++)
      expect(newClusterId(Uint8Array.from([first, ...new Array<number>(15).fill(0)]))).not.toMatch(/^-/)
  })
})
