/**
 * The /query (old API) response body as a ksqlDB client reads it: a JSON array written element by
 * element, `[` + header + `,\n`, rows + `,\n`, bare `\n` keep-alives, an optional final element
 * (`finalMessage` / `errorMessage`), then `]`. Parsed line by line, as the framing allows, so a
 * body cut short still yields the elements that arrived.
 */

/** One element of the array: `{header}`, `{row}`, `{finalMessage}` or `{errorMessage}`. */
export type StreamedRow = Readonly<Record<string, unknown>>

export interface QueryBody {
  readonly rows: readonly StreamedRow[]
  /** The closing `]` arrived: the server ended the response itself. */
  readonly complete: boolean
}

export class QueryBodyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'QueryBodyError'
  }
}

/** Incremental parser: feed() text chunks as they arrive, then finish(). */
export class QueryBodyParser {
  readonly #rows: StreamedRow[] = []
  #pending = ''
  #opened = false
  #closed = false

  feed(chunk: string): void {
    this.#pending += chunk
    let newline = this.#pending.indexOf('\n')
    while (newline !== -1) {
      this.#line(this.#pending.slice(0, newline))
      this.#pending = this.#pending.slice(newline + 1)
      newline = this.#pending.indexOf('\n')
    }
  }

  finish(): QueryBody {
    if (this.#pending.trim() !== '') this.#line(this.#pending)
    this.#pending = ''
    return { rows: [...this.#rows], complete: this.#closed }
  }

  /** Elements parsed so far (for reporting a response that never ended). */
  rows(): readonly StreamedRow[] {
    return [...this.#rows]
  }

  #line(raw: string): void {
    let text = raw.trim()
    if (text === '') return // keep-alive
    if (this.#closed) throw new QueryBodyError(`text after the closing ]: ${JSON.stringify(raw)}`)
    if (!this.#opened) {
      if (!text.startsWith('['))
        throw new QueryBodyError(`the body does not start a JSON array: ${JSON.stringify(raw)}`)
      this.#opened = true
      text = text.slice(1).trim()
    }
    if (text.endsWith(']')) {
      this.#closed = true
      text = text.slice(0, -1).trim()
    }
    if (text.endsWith(',')) text = text.slice(0, -1).trim()
    if (text === '') return
    let element: unknown
    try {
      element = JSON.parse(text)
    } catch {
      throw new QueryBodyError(`an array element is not JSON: ${JSON.stringify(raw)}`)
    }
    if (typeof element !== 'object' || element === null || Array.isArray(element))
      throw new QueryBodyError(`an array element is not an object: ${JSON.stringify(raw)}`)
    this.#rows.push(element as StreamedRow)
  }
}

export function parseQueryBody(text: string): QueryBody {
  const parser = new QueryBodyParser()
  parser.feed(text)
  return parser.finish()
}
