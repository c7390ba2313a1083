import { describe, expect, it } from 'vitest'
import { parseQueryBody, QueryBodyError, QueryBodyParser } from './query-body.ts'

describe('the /query body parser', () => {
  it('reads header, rows and the final message of ksqlDB framing, skipping keep-alives', () => {
    const body =
      '[{"header":{"queryId":"q1","schema":"`K` STRING"}},\n\n{"row":{"columns":["a"]}},\n' +
      '\n{"row":{"columns":["b"],"tombstone":true}},\n{"finalMessage":"Limit Reached"}]\n'
    expect(parseQueryBody(body)).toEqual({
      complete: true,
      rows: [
        { header: { queryId: 'q1', schema: '`K` STRING' } },
        { row: { columns: ['a'] } },
        { row: { columns: ['b'], tombstone: true } },
        { finalMessage: 'Limit Reached' },
      ],
    })
  })

  it('accepts the trailing ",\\n]" of a response without final message, and chunks split anywhere', () => {
    const body = '[{"header":{"schema":"`ID` INT KEY"}},\n{"row":{"columns":[1]}},\n]\n'
    const parser = new QueryBodyParser()
    for (const chunk of body.match(/.{1,7}/gs) ?? []) parser.feed(chunk)
    expect(parser.finish()).toEqual({
      complete: true,
      rows: [{ header: { schema: '`ID` INT KEY' } }, { row: { columns: [1] } }],
    })
  })

  it('reports a body cut short as incomplete, with the elements that arrived', () => {
    expect(parseQueryBody('[{"header":{"schema":"`K` STRING"}},\n')).toEqual({
      complete: false,
      rows: [{ header: { schema: '`K` STRING' } }],
    })
  })

  it('rejects what is not the array framing', () => {
    expect(() => parseQueryBody('{"@type":"generic_error"}\n')).toThrow(QueryBodyError)
    expect(() => parseQueryBody('[{"row":\n')).toThrow(/not JSON/)
    expect(() => parseQueryBody('[]\n{"row":{}}\n')).toThrow(/after the closing/)
  })
})
