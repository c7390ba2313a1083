import { describe, expect, it } from 'vitest'
import { scanJsonObject } from './json-object-scan.ts'

const RESERVED = ['_topic', '_offset', 'KEY'].map((name) => Buffer.from(name))

function scan(text: string | Buffer) {
  return scanJsonObject(typeof text === 'string' ? Buffer.from(text) : text, RESERVED)
}

function inner(text: string): string | null {
  const bytes = Buffer.from(text)
  const span = scan(bytes)
  return span === null ? null : bytes.subarray(span.innerStart, span.innerEnd).toString()
}

describe('scanJsonObject', () => {
  it('gives the members of objects JSON.parse accepts', () => {
    expect(inner('{"a":1}')).toBe('"a":1')
    expect(inner('  { "a" : 1 , "b":[1, {"c":null}] }  ')).toBe('"a" : 1 , "b":[1, {"c":null}]')
    expect(inner('{}')).toBe('')
    expect(inner('{ \t }')).toBe('')
    expect(inner('{"s":"é ✓ 😀 \\u00e9 \\" \\\\ \\/ \\b\\f\\n\\r\\t"}')).not.toBeNull()
    expect(inner('{"n":[-0, 0.5, 1e3, -12.5E-7, 1E+2, 123]}')).not.toBeNull()
    expect(inner('{"t":true,"f":false,"z":null,"o":{},"a":[]}')).not.toBeNull()
    // A reserved name below the top level is no column of the row.
    expect(inner('{"x":{"_topic":1}}')).toBe('"x":{"_topic":1}')
  })

  it('proves nothing for invalid JSON, non-objects, line breaks, reserved keys or bad UTF-8', () => {
    const rejected = [
      '',
      '[1]',
      '"s"',
      '1',
      '{',
      '{"a":1',
      '{"a":1,}',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":1e}',
      '{"a":-}',
      '{"a":+1}',
      '{"a":tru}',
      '{"a":nul}',
      '{"a":"\\x"}',
      '{"a":"\\u12g4"}',
      '{"a":"tab\there"}',
      '{"a":1}{"b":2}',
      '{"a":1} x',
      '{"a":[1,]}',
      '{"a":[1 2]}',
      '{"a":\n1}',
      '{"a":1}\r\n',
      '{"_topic":"x"}',
      '{"KEY":1}',
      '{"\\u005ftopic":1}',
      '\ufeff{"a":1}',
    ]
    for (const text of rejected) expect(scan(text), text).toBeNull()
    for (const bytes of [
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d],
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d],
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d],
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d],
    ])
      expect(scan(Buffer.from(bytes))).toBeNull()
  })

  it('never proves what JSON.parse rejects, over mutations of lab-like records', () => {
    const base = Buffer.from(
      JSON.stringify({
        transaction_id: 'TXN-1',
        amount: 12.5,
        tags: ['a', 'b'],
        user: { name: 'Zoë', address: { city: 'Köln' } },
        flag: true,
        none: null,
      }),
    )
    let seed = 7
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const alphabet = Buffer.from('{}[]":,.-+eE0123456789 \\untrfals\t\n\u00e9')
    let proven = 0
    for (let n = 0; n < 20000; n++) {
      const bytes = Buffer.from(base)
      const edits = 1 + Math.floor(random() * 3)
      for (let e = 0; e < edits; e++)
        bytes[Math.floor(random() * bytes.length)] = alphabet[
          Math.floor(random() * alphabet.length)
        ] as number
      const span = scan(bytes)
      if (span === null) {
        expect(provable(bytes), bytes.toString()).toBe(false)
        continue
      }
      proven++
      const text = bytes.toString('utf8')
      const parsed = JSON.parse(text) as unknown
      expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), text).toBe(true)
      expect(/[\r\n]/.test(text), text).toBe(false)
      expect(Buffer.from(text, 'utf8').equals(bytes), text).toBe(true)
    }
    // The mutations keep some records valid; the scan must prove those, not just refuse everything.
    expect(proven).toBeGreaterThan(1000)
  })
})

/** What the scan should prove: JSON.parse gives an object, one line, UTF-8 as is, no reserved or escaped key. */
function provable(bytes: Buffer): boolean {
  const text = bytes.toString('utf8')
  if (!Buffer.from(text, 'utf8').equals(bytes) || /[\r\n]/.test(text) || text.includes('\\')) return false
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return false
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false
  return !Object.keys(parsed).some((key) => RESERVED.some((name) => name.toString() === key))
}
