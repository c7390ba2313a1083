import type { Token } from './lexer.ts'
import { ParseError } from './parse-error.ts'

const MAX_BIGINT = 9223372036854775807n
const PREPARE_FAILED = 'Failed to prepare statement: '

/**
 * ksqlDB's AST builder rejects an integer literal beyond Long.MAX_VALUE (its literals are unsigned,
 * so Long.MIN_VALUE too) and a double literal beyond Double.MAX_VALUE. Its location is one further
 * right than a syntax error's (the builder's 1-based column goes through the same +1).
 */
export function checkNumericLiteral(t: Token, sign: '' | '-'): void {
  if (t.type === 'integer' && BigInt(t.text) > MAX_BIGINT)
    throw new ParseError(t.line, t.column + 1, `Invalid numeric literal: ${sign}${t.text}`, PREPARE_FAILED)
  if (t.type === 'double' && !Number.isFinite(Number(t.text)))
    throw new ParseError(t.line, t.column + 1, `Number overflows DOUBLE: ${sign}${t.text}`, PREPARE_FAILED)
}
