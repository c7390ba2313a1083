import { Worker } from 'node:worker_threads'
import type { ProducedRecord } from '../kafka/ports.ts'
import type { RecordsPlan } from './transaction-records.ts'

/**
 * transactionRecords() on a worker thread, one chunk ahead: generating events costs about as much
 * CPU as sending them, so the two run side by side. Same chunks, same order, same bytes.
 */
export async function* generateInWorker(plan: RecordsPlan): AsyncGenerator<ProducedRecord[]> {
  // Built code runs the .js worker; tests and `tsx` runs use the .ts source.
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
  const workerUrl = new URL(`./transaction-records-worker${extension}`, import.meta.url)
  // Source runs (tests, tsx) register the TypeScript loader inside the worker first.
  const worker =
    extension === '.js'
      ? new Worker(workerUrl, { workerData: plan })
      : new Worker(
          `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}) })`,
          { eval: true, workerData: plan },
        )
  const pending: ((chunk: ProducedRecord[] | null) => void)[] = []
  let failure: unknown
  worker.on('message', (chunk: ProducedRecord[] | null) => pending.shift()?.(chunk))
  worker.on('error', (error) => {
    failure = error
    for (const resolve of pending.splice(0)) resolve(null)
  })
  const request = () =>
    new Promise<ProducedRecord[] | null>((resolve) => {
      pending.push(resolve)
      worker.postMessage('next')
    })
  try {
    let next = request()
    for (;;) {
      const chunk = await next
      if (failure !== undefined) throw failure
      if (chunk === null) return
      next = request()
      yield chunk
    }
  } finally {
    await worker.terminate()
  }
}
