/**
 * Tokenizer for Java DateTimeFormatter patterns: letter runs (`yyyy`), `'quoted'` literals with `''`
 * for a quote, other characters as literals, and `[optional]` sections.
 */
export type Token =
  | { readonly kind: 'field'; readonly letter: string; readonly count: number }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'optional'; readonly tokens: readonly Token[] }

const SUPPORTED = new Set('GyuMLdDEeaHkKhmsSnzZXxOV'.split(''))

export function tokenize(pattern: string): Token[] {
  const stack: Token[][] = [[]]
  const push = (t: Token): void => {
    ;(stack[stack.length - 1] as Token[]).push(t)
  }
  let i = 0
  while (i < pattern.length) {
    const ch = pattern[i] as string
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1)
      if (end === i + 1) {
        push({ kind: 'literal', text: "'" })
        i += 2
        continue
      }
      let text = ''
      let j = i + 1
      for (;;) {
        const close = pattern.indexOf("'", j)
        if (close < 0) throw new Error(`Pattern ends with an incomplete string literal: ${pattern}`)
        text += pattern.slice(j, close)
        if (pattern[close + 1] === "'") {
          text += "'"
          j = close + 2
        } else {
          i = close + 1
          break
        }
      }
      push({ kind: 'literal', text })
    } else if (ch === '[') {
      stack.push([])
      i++
    } else if (ch === ']') {
      const group = stack.pop()
      if (group === undefined || stack.length === 0)
        throw new Error(`Pattern invalid as it contains ] without previous [`)
      push({ kind: 'optional', tokens: group })
      i++
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i
      while (pattern[j] === ch) j++
      if (!SUPPORTED.has(ch)) throw new Error(`Unknown pattern letter: ${ch}`)
      push({ kind: 'field', letter: ch, count: j - i })
      i = j
    } else {
      push({ kind: 'literal', text: ch })
      i++
    }
  }
  while (stack.length > 1) {
    const group = stack.pop() as Token[]
    push({ kind: 'optional', tokens: group })
  }
  return stack[0] as Token[]
}
