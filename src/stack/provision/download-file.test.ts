import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { downloadFile } from './download-file.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-download-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const body = Buffer.from('0123456789'.repeat(1000))
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex')

/** A server that honours Range requests, as Maven Central does; `served` alters what it sends. */
function fakeServer(served: (bytes: Buffer) => Buffer = (bytes) => bytes) {
  const ranges: (string | null)[] = []
  const fetchImpl = (async (_url: string | URL | Request, init?: RequestInit) => {
    const range = new Headers(init?.headers).get('range')
    ranges.push(range)
    const from = range === null ? 0 : Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0)
    if (from >= body.length) return new Response(null, { status: 416 })
    const part = served(body).subarray(from)
    return new Response(part, {
      status: range === null ? 200 : 206,
      headers: { 'content-length': String(part.length) },
    })
  }) as typeof fetch
  return { fetchImpl, ranges }
}

describe('downloadFile', () => {
  it('writes through a .part file and renames it only when the SHA-1 matches', async () => {
    const dest = join(dir, 'a.jar')
    const { fetchImpl } = fakeServer()
    const seen: number[] = []
    await downloadFile({
      url: 'https://repo/a.jar',
      dest,
      sha1: sha1(body),
      fetchImpl,
      onProgress: (progress) => seen.push(progress.bytes),
    })
    expect(await readFile(dest)).toEqual(body)
    expect(existsSync(`${dest}.part`)).toBe(false)
    expect(seen.at(-1)).toBe(body.length)
  })

  it('resumes an interrupted download from the bytes already on disk', async () => {
    const dest = join(dir, 'a.jar')
    await writeFile(`${dest}.part`, body.subarray(0, 4000))
    const { fetchImpl, ranges } = fakeServer()
    await downloadFile({ url: 'https://repo/a.jar', dest, sha1: sha1(body), fetchImpl })
    expect(ranges).toEqual(['bytes=4000-'])
    expect(await readFile(dest)).toEqual(body)
  })

  it('starts over once when a resumed file fails the check, then succeeds', async () => {
    const dest = join(dir, 'a.jar')
    await writeFile(`${dest}.part`, Buffer.alloc(4000, 'z'))
    const { fetchImpl, ranges } = fakeServer()
    await downloadFile({ url: 'https://repo/a.jar', dest, sha1: sha1(body), fetchImpl })
    expect(ranges).toEqual(['bytes=4000-', null])
    expect(await readFile(dest)).toEqual(body)
  })

  it('leaves nothing under the real name when the bytes are corrupt', async () => {
    const dest = join(dir, 'a.jar')
    const { fetchImpl } = fakeServer((bytes) =>
      Buffer.concat([bytes.subarray(0, 10), Buffer.from('X'), bytes.subarray(11)]),
    )
    await expect(
      downloadFile({ url: 'https://repo/a.jar', dest, sha1: sha1(body), fetchImpl }),
    ).rejects.toThrow(/corrupt: SHA-1/)
    expect(existsSync(dest)).toBe(false)
    expect(existsSync(`${dest}.part`)).toBe(false)
  })

  it('names the URL and the HTTP status when the server refuses', async () => {
    const fetchImpl = (async () =>
      new Response('nope', { status: 404, statusText: 'Not Found' })) as typeof fetch
    await expect(
      downloadFile({ url: 'https://repo/missing.jar', dest: join(dir, 'm.jar'), sha1: 'x', fetchImpl }),
    ).rejects.toThrow('Could not download https://repo/missing.jar: HTTP 404 Not Found')
  })
})
