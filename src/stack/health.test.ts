import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { isDipError } from '../shared/errors.ts'
import { kafkaProbe } from '../kafka/kafka-probes.ts'
import { ksqldbProbe } from '../ksql-client/ksql-probe.ts'
import { mysqlProbe } from '../mysql/mysql-probe.ts'
import { waitUntilHealthy, type ProbeResult } from './health.ts'

function scripted(answers: readonly ProbeResult[]) {
  let calls = 0
  const probe = () => Promise.resolve(answers[Math.min(calls++, answers.length - 1)] as ProbeResult)
  return { probe, calls: () => calls }
}

describe('waitUntilHealthy', () => {
  it('polls until the probe answers healthy and returns that answer', async () => {
    const down = { healthy: false, version: null, detail: 'connection refused' }
    const { probe, calls } = scripted([down, down, { healthy: true, version: '1.2' }])
    const seen: string[] = []
    const result = await waitUntilHealthy(probe, {
      timeoutMs: 10_000,
      intervalMs: 1,
      onAttempt: (r) => seen.push(r.detail ?? ''),
    })
    expect(result.version).toBe('1.2')
    expect(calls()).toBe(3)
    expect(seen).toEqual(['connection refused', 'connection refused'])
  })

  it('times out with the last failure in the message', async () => {
    const { probe } = scripted([{ healthy: false, version: null, detail: 'ECONNREFUSED 127.0.0.1:1' }])
    const error: unknown = await waitUntilHealthy(probe, {
      timeoutMs: 5,
      intervalMs: 1,
      what: 'kafka',
    }).catch((e: unknown) => e)
    expect(isDipError(error) && error.code).toBe('DIP_TIMEOUT')
    expect(String(error)).toMatch(/kafka did not become healthy.*ECONNREFUSED 127\.0\.0\.1:1/)
  })

  it('gives up early when the process is gone', async () => {
    const { probe, calls } = scripted([{ healthy: false, version: null }])
    const error: unknown = await waitUntilHealthy(probe, {
      timeoutMs: 60_000,
      intervalMs: 1,
      what: 'mysql',
      giveUp: () => 'exited with code 1',
    }).catch((e: unknown) => e)
    expect(String(error)).toMatch(/mysql stopped while starting: exited with code 1/)
    expect(calls()).toBe(1)
  })
})

describe('probes against something that is not the service', () => {
  let server: Server | undefined
  const sockets = new Set<Socket>()
  afterEach(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
  })

  async function silentServer(): Promise<number> {
    server = createServer((socket) => {
      sockets.add(socket)
      socket.destroy()
    })
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    return typeof address === 'object' && address !== null ? address.port : 0
  }

  it('kafka probe reports unhealthy with a reason instead of throwing', async () => {
    const port = await silentServer()
    const result = await kafkaProbe({ brokers: [`127.0.0.1:${port}`], timeoutMs: 500 })()
    expect(result.healthy).toBe(false)
    expect(result.detail).toBeTruthy()
  })

  it('mysql probe reports unhealthy with a reason instead of throwing', async () => {
    const port = await silentServer()
    const result = await mysqlProbe({ host: '127.0.0.1', port, user: 'u', password: 'p', timeoutMs: 500 })()
    expect(result.healthy).toBe(false)
    expect(result.detail).toBeTruthy()
  })
})

describe('ksqldbProbe', () => {
  let http: HttpServer | undefined
  afterEach(async () => {
    await new Promise<void>((resolve) => (http === undefined ? resolve() : http.close(() => resolve())))
    http = undefined
  })

  async function ksqlServer(kafkaHealthy: boolean | null): Promise<string> {
    http = createHttpServer((request, response) => {
      if (request.url === '/info') {
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ KsqlServerInfo: { version: '0.29.0', serverStatus: 'RUNNING' } }))
      } else if (request.url === '/healthcheck' && kafkaHealthy !== null) {
        response.writeHead(kafkaHealthy ? 200 : 503, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify({ isHealthy: kafkaHealthy, details: { kafka: { isHealthy: kafkaHealthy } } }),
        )
      } else response.writeHead(404).end()
    })
    await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  }

  it('is down while the server cannot reach Kafka, though /info answers', async () => {
    const result = await ksqldbProbe({ url: await ksqlServer(false) })()
    expect(result).toMatchObject({ healthy: false, detail: 'the server cannot reach Kafka (reconnecting)' })
  })

  it('is healthy when Kafka is, and when the server has no /healthcheck', async () => {
    expect((await ksqldbProbe({ url: await ksqlServer(true) })()).healthy).toBe(true)
    await new Promise<void>((resolve) => http?.close(() => resolve()))
    expect((await ksqldbProbe({ url: await ksqlServer(null) })()).healthy).toBe(true)
  })
})
