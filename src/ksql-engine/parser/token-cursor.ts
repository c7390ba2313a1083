import type { Token } from './lexer.ts'
import { ParseError } from './parse-error.ts'

/** The parser's position in the token list and the helpers every grammar level uses. */
export class TokenCursor {
  protected pos = 0
  protected readonly tokens: readonly Token[]

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens
  }

  // ---------------------------------------------------------------- token helpers
  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token
  }
  protected next(): Token {
    const t = this.peek()
    if (this.pos < this.tokens.length - 1) this.pos++
    return t
  }
  protected isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead)
    return t.type === 'ident' && t.text === word
  }
  protected isSymbol(symbol: string, ahead = 0): boolean {
    const t = this.peek(ahead)
    return t.type === 'symbol' && t.text === symbol
  }
  protected acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false
    this.next()
    return true
  }
  protected acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false
    this.next()
    return true
  }
  protected fail(expected: string, token: Token = this.peek()): never {
    const near = token.type === 'eof' ? '<EOF>' : token.raw
    throw new ParseError(
      token.line,
      token.column,
      `Syntax Error\nmismatched input '${near}' expecting ${expected}\nSyntax error at or near '${near}' at line ${token.line}:${token.column + 1}`,
    )
  }
  protected expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(`'${word}'`)
  }
  protected expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) {
      if (symbol === ')') {
        const t = this.peek()
        throw new ParseError(t.line, t.column, `Syntax Error\nmissing ')' at '${t.raw || '<EOF>'}'`)
      }
      this.fail(`'${symbol}'`)
    }
  }
  protected identifier(what = 'an identifier'): string {
    const t = this.peek()
    if (t.type === 'ident' || t.type === 'quoted') {
      this.next()
      return t.text
    }
    return this.fail(what)
  }
  protected integer(): number {
    const t = this.next()
    if (t.type !== 'integer') this.fail('an integer', t)
    return Number(t.text)
  }
  protected stringLiteral(): string {
    const t = this.next()
    if (t.type !== 'string') this.fail('a string literal', t)
    return t.text
  }
}
