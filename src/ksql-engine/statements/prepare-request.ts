import { splitStatements, type StatementSlice } from '../../shared/split-statements.ts'
import type {
  PrepareOptions,
  PreparedRequest,
  PreparedStatement,
  RunOptions,
  StatementResult,
} from '../engine-api.ts'
import { EngineError } from '../engine-error.ts'
import { statementErrorKind } from '../engine-errors.ts'
import { parseStatement } from '../parser/parser.ts'
import { substituteVariables } from '../parser/substitute-variables.ts'
import { property, type EngineContext, type ExecutionState, type RequestScope } from './engine-context.ts'
import { runStatement } from './execute-statement.ts'
import { changeScope, isScopeStatement, requestScope } from './request-scope.ts'

/** Splits `sql` once and parses each statement once, substituting variables in request order. */
export function prepareRequest(ctx: EngineContext, sql: string, options: PrepareOptions): PreparedRequest {
  const scope = requestScope(options, {})
  const statements = splitStatements(sql).map((slice): PreparedStatement => {
    const prepared = prepareStatement(ctx, slice, scope)
    if (prepared.kind === 'parsed' && isScopeStatement(prepared.parsed.statement))
      changeScope(prepared.parsed.statement, scope)
    return prepared
  })
  const own: PrepareOptions = {
    ...(options.properties === undefined ? {} : { properties: options.properties }),
    ...(options.variables === undefined ? {} : { variables: options.variables }),
  }
  return { statements, options: own }
}

function prepareStatement(ctx: EngineContext, slice: StatementSlice, scope: RequestScope): PreparedStatement {
  let text = slice.text
  try {
    if (property(ctx, scope, 'ksql.variable.substitution.enable') !== 'false')
      text = substituteVariables(text, scope.variables)
    return { ...slice, kind: 'parsed', parsed: parseStatement({ ...slice, text }) }
  } catch (error) {
    // Whatever stops a statement from parsing (e.g. an undefined variable) is a statement error.
    const kind = statementErrorKind(error) ?? 'statement'
    return {
      ...slice,
      kind: 'unparsable',
      error: { kind, message: (error as Error).message, statementText: slice.text },
    }
  }
}

/**
 * Runs a prepared request's statements in order against `s` (the real state or a sandbox); the
 * first that fails (or did not parse) throws its EngineError and stops the rest.
 */
export function runPrepared(
  ctx: EngineContext,
  request: PreparedRequest,
  s: ExecutionState,
  run: RunOptions,
): StatementResult[] {
  const scope = requestScope(request.options, run)
  // One result per statement, in order: the server pairs result i with statement i's text.
  return request.statements.map((statement) => {
    if (statement.kind === 'unparsable') throw new EngineError(statement.error)
    return runStatement(ctx, statement.parsed, s, scope)
  })
}
