import { parentPort, workerData } from 'node:worker_threads'
import { transactionRecords, type RecordsPlan } from './transaction-records.ts'

/**
 * Worker side of generateInWorker(): generates chunks and posts each one when the main thread asks
 * for it ('next'), so generation overlaps with sending without running far ahead of it.
 */
const port = parentPort
if (port !== null) {
  const chunks = transactionRecords(workerData as RecordsPlan)
  port.on('message', (message: unknown) => {
    if (message !== 'next') return
    const next = chunks.next()
    port.postMessage(next.done === true ? null : next.value)
  })
}
