import { createServer, type Server } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { reportBrokerOutages, watchBrokers, type BrokerWatch } from './broker-watch.ts'

let server: Server | undefined
let watch: BrokerWatch | undefined

afterEach(async () => {
  watch?.stop()
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
  server = undefined
})

async function listening(): Promise<number> {
  server = createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10))
}

describe('broker watch', () => {
  it('sees a broker stop accepting connections, and come back', async () => {
    const port = await listening()
    watch = watchBrokers([`127.0.0.1:${port}`], { intervalMs: 10 })
    expect(watch.reachable()).toBe(true)
    await new Promise<void>((resolve) => server?.close(() => resolve()))
    await until(() => watch?.reachable() === false)
    server = createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve))
    await until(() => watch?.reachable() === true)
  })
})

describe('reportBrokerOutages', () => {
  it('says once when the broker goes away and once when it is back', async () => {
    const port = await listening()
    const said: string[] = []
    const reporting = reportBrokerOutages([`127.0.0.1:${port}`], (message) => said.push(message), 10)
    try {
      await new Promise<void>((resolve) => server?.close(() => resolve()))
      await until(() => said.length === 1)
      expect(said[0]).toMatch(/^Kafka \(127\.0\.0\.1:\d+\) does not accept connections: waiting for it/)
      server = createServer((socket) => socket.destroy())
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve))
      await until(() => said.length === 2)
      expect(said[1]).toMatch(/^Kafka accepts connections again after \d+\.\d s: resuming$/)
    } finally {
      reporting.stop()
    }
  })
})
