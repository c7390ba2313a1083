import type { IncomingMessage, ServerResponse } from 'node:http'
import { badRequest, toHttpError } from '../error-codes.ts'
import type { KsqlBackend } from '../ksql-backend.ts'
import { parsePrint } from './parse-print.ts'
import { runPrint } from './print-topic.ts'

/** ksqlDB's poll interval: an idle PRINT writes an empty line this often, so clients see it alive. */
const KEEP_ALIVE_MS = 1000

/**
 * PRINT over /query and /query-stream: plain text lines as ksqlDB's TopicStreamWriter writes them
 * ("Key format: …", "Value format: …", then "rowtime: …, key: …, value: …, partition: n"), an empty
 * line while idle, and the response ends at LIMIT or when the client goes away. Errors before the
 * first line are ordinary 400 bodies; a failure mid-stream ends the text with its message.
 */
export async function servePrint(
  req: IncomingMessage,
  res: ServerResponse,
  text: string,
  backend: KsqlBackend,
): Promise<void> {
  let statement
  try {
    statement = parsePrint(text)
  } catch (error) {
    throw badRequest((error as Error).message)
  }
  const tail = backend.tailTopic
  if (tail === undefined) throw badRequest('PRINT is not available on this server: it has no topic reader.')
  // The broker's own list when there is one: internal topics (the command topic) print too.
  const exists =
    backend.describeTopic === undefined
      ? backend.engine.topics().includes(statement.topic)
      : (await backend.describeTopic(statement.topic)) !== null
  if (!exists) {
    throw badRequest(
      `Could not find topic '${statement.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.\nTo print a case-sensitive topic apply quotations, for example: print 'topic';`,
    )
  }
  const closed = new AbortController()
  const onClose = (): void => closed.abort()
  req.on('close', onClose)
  res.on('close', onClose)
  // The status goes out once the tail is positioned: what is produced after the client sees it prints.
  const ready = (): void => {
    if (res.headersSent) return
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Transfer-Encoding': 'chunked' })
    res.flushHeaders()
  }
  let lastWrite = Date.now()
  const writeLine = (line: string): void => {
    ready()
    if (res.writableEnded) return
    res.write(`${line}\n`)
    lastWrite = Date.now()
  }
  const keepAlive = setInterval(() => {
    if (res.headersSent && Date.now() - lastWrite >= KEEP_ALIVE_MS) writeLine('')
  }, KEEP_ALIVE_MS)
  try {
    await runPrint(statement, tail, writeLine, closed.signal, ready)
  } catch (error) {
    // Before the first byte the client gets an ordinary error response; later, a last line.
    if (!res.headersSent) throw error
    writeLine(toHttpError(error).body.message)
  } finally {
    clearInterval(keepAlive)
    req.off('close', onClose)
    res.off('close', onClose)
    if (res.headersSent && !res.writableEnded) res.end()
  }
}
