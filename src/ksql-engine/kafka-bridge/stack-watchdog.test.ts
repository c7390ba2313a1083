import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { stackChecker, watchStack } from './stack-watchdog.ts'

let stateDir = ''

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true })
})

async function stack(kafkaPid: number | null): Promise<string> {
  stateDir = await mkdtemp(join(tmpdir(), 'dip-watchdog-'))
  await mkdir(join(stateDir, 'run'))
  if (kafkaPid !== null) await writeFile(join(stateDir, 'run', 'kafka.pid'), `${kafkaPid}\n`)
  return join(stateDir, 'ksqldb')
}

describe('stack watchdog of the embedded ksqlDB server', () => {
  it('sees the stack while the marker exists and Kafka runs', async () => {
    const marker = await stack(process.pid)
    await writeFile(marker, '1\n')
    const check = stackChecker(marker)
    expect(check()).toBeNull()
    expect(check()).toBeNull()
  })

  it('reports a deleted state dir at once', async () => {
    const marker = await stack(process.pid)
    await writeFile(marker, '1\n')
    const check = stackChecker(marker)
    await rm(stateDir, { recursive: true })
    expect(check()).toMatch(/stack marker .*ksqldb is gone/)
  })

  it('rides out a dead or restarting Kafka: the server waits for the broker instead of stopping', async () => {
    const marker = await stack(null)
    await writeFile(marker, '1\n')
    const check = stackChecker(marker)
    for (let i = 0; i < 10; i++) expect(check()).toBeNull()
  })

  it('writes its pid to the marker and calls onGone once the marker is removed', async () => {
    const marker = await stack(process.pid)
    const gone = new Promise<string>((resolve) => {
      const stop = watchStack({
        marker,
        intervalMs: 10,
        onGone: (reason) => {
          stop()
          resolve(reason)
        },
      })
    })
    expect(await readFile(marker, 'utf8')).toBe(`${process.pid}\n`)
    await rm(marker)
    expect(await gone).toMatch(/is gone/)
  })
})
