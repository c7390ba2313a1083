import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { findPortHolder, freePort, isPortFree } from './port-check.ts'

let server: Server | undefined
afterEach(
  () => new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve()))),
)

describe('port checks', () => {
  it('sees a port held by a listening server and names this process as its holder', async () => {
    const port = await freePort()
    expect(await isPortFree(port)).toBe(true)
    server = createServer()
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve))
    expect(await isPortFree(port)).toBe(false)
    const holder = findPortHolder(port)
    if (process.platform === 'linux') {
      expect(holder?.pid).toBe(process.pid)
      expect(holder?.command).toContain('node')
    }
  })
})
