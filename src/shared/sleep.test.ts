import { describe, expect, it } from 'vitest'
import { sleep } from './sleep.ts'

describe('sleep', () => {
  it('resolves after the pause', async () => {
    await expect(sleep(1)).resolves.toBeUndefined()
  })

  it('ends a long pause when the signal aborts, without an error', async () => {
    const controller = new AbortController()
    const pause = sleep(3_600_000, controller.signal)
    controller.abort()
    await expect(pause).resolves.toBeUndefined()
  })

  it('does not wait at all on a signal that has already aborted', async () => {
    await expect(sleep(3_600_000, AbortSignal.abort())).resolves.toBeUndefined()
  })
})
