import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFakeRunner } from '../command-runner.ts'
import type { MariadbArtifact } from './mariadb-artifacts.ts'
import { provisionMariadb } from './mariadb-provision.ts'
import type { ProvisionProgress } from './provision-progress.ts'
import { makeZip } from './test-zip.ts'

let dir: string
let env: Record<string, string>
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-mariadb-'))
  env = { DIP_CACHE_DIR: dir, DIP_MAVEN_REPOSITORY: 'https://repo.test/maven2/' }
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const jar = makeZip([
  { name: 'META-INF/MANIFEST.MF', data: 'x' },
  { name: 'db/linux/bin/mariadbd', data: 'server', mode: 0o755, deflate: true },
  { name: 'db/linux/scripts/mariadb-install-db', data: '#!/bin/sh\n', mode: 0o644 },
  { name: 'db/linux/share/english/errmsg.sys', data: 'messages', deflate: true },
])
const artifact: MariadbArtifact = {
  platform: 'test-x64',
  groupId: 'org.example',
  artifactId: 'db-test',
  version: '11.4.5',
  sha1: createHash('sha1').update(jar).digest('hex'),
  bytes: jar.length,
  prefix: 'db/linux/',
}
const jarPath = () => join(dir, 'downloads', 'db-test-11.4.5.jar')

function serving(bytes: Buffer) {
  const urls: string[] = []
  const fetchImpl = (async (url: string | URL | Request) => {
    urls.push(String(url))
    return new Response(bytes, { status: 200, headers: { 'content-length': String(bytes.length) } })
  }) as typeof fetch
  return { fetchImpl, urls }
}

const versionOk = () =>
  createFakeRunner(() => ({
    exitCode: 0,
    stdout: '/x/bin/mariadbd  Ver 11.4.5-MariaDB for linux-systemd on x86_64 (MariaDB Server)',
    stderr: '',
  }))

describe('provisionMariadb', () => {
  it('downloads the jar from the configured repository, unpacks the server and reuses it next time', async () => {
    const { fetchImpl, urls } = serving(jar)
    const progress: ProvisionProgress[] = []
    const first = await provisionMariadb({
      runner: versionOk(),
      env,
      artifact,
      fetchImpl,
      onProgress: (event) => progress.push(event),
    })
    expect(urls).toEqual(['https://repo.test/maven2/org/example/db-test/11.4.5/db-test-11.4.5.jar'])
    expect(first).toMatchObject({ downloaded: true, source: 'download' })
    expect(await readFile(first.server, 'utf8')).toBe('server')
    expect((await stat(first.installDb)).mode & 0o111).not.toBe(0)
    expect(JSON.parse(await readFile(join(first.home, '.dip-complete.json'), 'utf8'))).toMatchObject({
      serverVersion: '11.4.5-MariaDB',
    })
    expect(existsSync(jarPath())).toBe(false)
    expect(progress.some((event) => event.kind === 'download')).toBe(true)
    expect(progress.some((event) => event.kind === 'extract')).toBe(true)

    const again = await provisionMariadb({ runner: versionOk(), env, artifact, fetchImpl })
    expect(again).toMatchObject({ downloaded: false, source: 'cache' })
    expect(urls).toHaveLength(1)
  })

  it('deletes a corrupt cached jar, says so, and downloads it again', async () => {
    await mkdir(join(dir, 'downloads'), { recursive: true })
    await writeFile(jarPath(), jar.subarray(0, 100))
    const { fetchImpl, urls } = serving(jar)
    const notes: string[] = []
    const result = await provisionMariadb({
      runner: versionOk(),
      env,
      artifact,
      fetchImpl,
      onProgress: (event) => void (event.kind === 'note' && notes.push(event.message)),
    })
    expect(result.source).toBe('download')
    expect(urls).toHaveLength(1)
    expect(notes.join('\n')).toContain(`deleted ${jarPath()}: corrupt or truncated`)
  })

  it('leaves no complete-looking cache when the unpacked server does not run', async () => {
    const { fetchImpl } = serving(jar)
    const broken = createFakeRunner(() => ({
      exitCode: 127,
      stdout: '',
      stderr: 'error while loading shared libraries: libfoo.so',
    }))
    await expect(provisionMariadb({ runner: broken, env, artifact, fetchImpl })).rejects.toThrow(
      /does not run on this machine.*libfoo/,
    )
    expect(existsSync(join(dir, 'mariadb-11.4.5-test-x64', '.dip-complete.json'))).toBe(false)
    // The next run finds nothing complete and tries again.
    const retried = await provisionMariadb({ runner: versionOk(), env, artifact, fetchImpl })
    expect(retried.source).toBe('download')
  })

  it('keeps a cut-off download as .part (never under the real name) and resumes it', async () => {
    const cut = (async () => {
      let pulls = 0
      // The connection drops a while after the first bytes, once they are on disk.
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (pulls++ === 0) controller.enqueue(jar.subarray(0, 50))
          else {
            await new Promise((resolve) => setTimeout(resolve, 200))
            controller.error(new Error('connection reset'))
          }
        },
      })
      return new Response(stream, { status: 200, headers: { 'content-length': String(jar.length) } })
    }) as typeof fetch
    const failing = createFakeRunner(() => ({ exitCode: 1, stdout: '', stderr: 'no mvn here' }))
    await expect(provisionMariadb({ runner: failing, env, artifact, fetchImpl: cut })).rejects.toThrow(
      /connection reset/,
    )
    expect(existsSync(jarPath())).toBe(false)
    expect((await stat(`${jarPath()}.part`)).size).toBe(50)
    const ranges: (string | null)[] = []
    const resume = (async (_url: string | URL | Request, init?: RequestInit) => {
      ranges.push(new Headers(init?.headers).get('range'))
      return new Response(jar.subarray(50), { status: 206 })
    }) as typeof fetch
    await provisionMariadb({ runner: versionOk(), env, artifact, fetchImpl: resume })
    expect(ranges).toEqual(['bytes=50-'])
  })
})
