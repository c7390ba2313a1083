import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { DipError, errorMessage } from '../../shared/errors.ts'

export interface DownloadProgress {
  readonly bytes: number
  /** Undefined when the server sends no length. */
  readonly total: number | undefined
  /** Bytes that were already on disk from an interrupted download. */
  readonly resumedFrom: number
}

export interface DownloadOptions {
  readonly url: string
  readonly dest: string
  /** The SHA-1 the file must have (Maven Central publishes one per artifact). */
  readonly sha1: string
  readonly onProgress?: (progress: DownloadProgress) => void
  readonly signal?: AbortSignal
  /** For tests: the fetch to use. */
  readonly fetchImpl?: typeof fetch
}

/**
 * Downloads `url` to `dest` through `dest.part`: an interrupted download resumes from the bytes
 * already there (HTTP Range), and only a file whose SHA-1 matches is renamed to `dest`, so the cache
 * never holds a half or corrupt artifact under its real name. A resumed file that fails the check is
 * deleted and fetched once more from the start.
 */
export async function downloadFile(options: DownloadOptions): Promise<void> {
  const part = `${options.dest}.part`
  await mkdir(dirname(options.dest), { recursive: true })
  for (let attempt = 1; ; attempt++) {
    const resumedFrom = existsSync(part) ? (await stat(part)).size : 0
    await fetchInto(part, resumedFrom, options)
    const actual = await sha1Of(part)
    if (actual === options.sha1) {
      await rename(part, options.dest)
      return
    }
    await rm(part, { force: true })
    if (attempt >= 2 || resumedFrom === 0)
      throw new DipError(
        'DIP_PREREQUISITE',
        `The download of ${options.url} is corrupt: SHA-1 ${actual}, expected ${options.sha1}.`,
        { hint: 'Run the command again; if it keeps failing, a proxy or mirror is altering the file.' },
      )
  }
}

async function fetchInto(part: string, from: number, options: DownloadOptions): Promise<void> {
  const doFetch = options.fetchImpl ?? fetch
  let response: Response
  try {
    response = await doFetch(options.url, {
      headers: from > 0 ? { Range: `bytes=${from}-` } : {},
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
  } catch (error) {
    throw downloadError(options.url, errorMessage(error), error)
  }
  // 416: the part file already holds every byte (an earlier run stopped before the rename).
  if (response.status === 416 && from > 0) return
  if (response.status !== 200 && response.status !== 206)
    throw downloadError(options.url, `HTTP ${response.status} ${response.statusText}`)
  const resumed = response.status === 206
  const length = Number(response.headers.get('content-length') ?? Number.NaN)
  const total = Number.isFinite(length) ? length + (resumed ? from : 0) : undefined
  let bytes = resumed ? from : 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length
      options.onProgress?.({ bytes, total, resumedFrom: resumed ? from : 0 })
      callback(null, chunk)
    },
  })
  if (response.body === null) throw downloadError(options.url, 'empty response')
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      counter,
      createWriteStream(part, { flags: resumed ? 'a' : 'w' }),
      ...(options.signal === undefined ? [] : [{ signal: options.signal }]),
    )
  } catch (error) {
    throw downloadError(options.url, `stopped after ${bytes} bytes: ${errorMessage(error)}`, error)
  }
}

export async function sha1Of(file: string): Promise<string> {
  const hash = createHash('sha1')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
}

function downloadError(url: string, problem: string, cause?: unknown): DipError {
  return new DipError('DIP_PREREQUISITE', `Could not download ${url}: ${problem}.`, {
    hint: 'Check the network access to Maven Central (or set DIP_MAVEN_REPOSITORY to a mirror), then run the command again: it resumes where it stopped.',
    ...(cause === undefined ? {} : { cause }),
  })
}
