import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { createServer } from 'node:net'

/**
 * Free-port checks before starting a service, so "address already in use" becomes a message
 * that names the port and, when /proc tells us, the program holding it.
 */
export interface PortHolder {
  readonly pid: number
  readonly command: string
}

/** true when nothing listens on 127.0.0.1:port (and the wildcard address). */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** A free port chosen by the OS (for tests and parallel stacks). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ port: 0, host }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** The process listening on a TCP port, found through /proc/net/tcp{,6} socket inodes (Linux only). */
export function findPortHolder(port: number): PortHolder | undefined {
  const inodes = new Set<string>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = readFileSync(table, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      const local = fields[1]
      // st 0A = LISTEN
      if (local === undefined || fields[3] !== '0A') continue
      if (Number.parseInt(local.split(':')[1] ?? '', 16) === port && fields[9] !== undefined)
        inodes.add(fields[9])
    }
  }
  if (inodes.size === 0) return undefined
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return undefined
  }
  for (const pid of pids) {
    let fds: string[]
    try {
      fds = readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      let target: string
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        continue
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
      if (inode !== undefined && inodes.has(inode)) return { pid: Number(pid), command: commandOf(pid) }
    }
  }
  return undefined
}

function commandOf(pid: string): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
    const text = args.join(' ')
    return text.length > 120 ? `${text.slice(0, 117)}...` : text
  } catch {
    return '?'
  }
}
