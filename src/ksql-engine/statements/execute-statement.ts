import { assertNever } from '../../shared/assert-never.ts'
import type { StatementResult } from '../engine-api.ts'
import { EngineError } from '../engine-error.ts'
import { statementErrorKind } from '../engine-errors.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { ParsedStatement, Statement } from '../parser/ast.ts'
import { alter } from './alter.ts'
import { createAsSelect, createSource } from './create.ts'
import { drop } from './drop.ts'
import { fail, type EngineContext, type ExecutionState, type RequestScope } from './engine-context.ts'
import { insertInto, insertValues } from './insert.ts'
import { changeScope } from './request-scope.ts'
import { select } from './select.ts'
import { explain, show } from './show.ts'
import { sourceInfo } from './source-info.ts'
import { terminate } from './terminate.ts'

export function runStatement(
  ctx: EngineContext,
  parsed: ParsedStatement,
  s: ExecutionState,
  scope: RequestScope,
): StatementResult {
  try {
    return executeStatement(ctx, parsed.statement, parsed.text, s, scope)
  } catch (error) {
    if (error instanceof EngineError) throw error
    const kind = statementErrorKind(error)
    if (kind !== undefined) return fail(kind, (error as Error).message, parsed.text)
    throw error
  }
}

export function executeStatement(
  ctx: EngineContext,
  statement: Statement,
  text: string,
  s: ExecutionState,
  scope: RequestScope,
): StatementResult {
  switch (statement.kind) {
    case 'createSource':
      return createSource(ctx, statement, text, s, scope)
    case 'createAsSelect':
      return createAsSelect(ctx, statement, text, s, scope)
    case 'insertInto':
      return insertInto(ctx, statement, text, s, scope)
    case 'insertValues':
      return insertValues(ctx, statement, s, scope)
    case 'select':
      return select(ctx, statement.query, s, scope)
    case 'setProperty':
    case 'unsetProperty':
    case 'defineVariable':
    case 'undefineVariable':
      return changeScope(statement, scope)
    case 'show':
      return show(ctx, statement, s, scope)
    case 'describe': {
      const source = s.metastore.get(statement.name)
      if (source === undefined)
        throw new StatementError(`Could not find STREAM/TABLE '${statement.name}' in the Metastore`)
      return { kind: 'description', source: sourceInfo(source), extended: statement.extended }
    }
    case 'drop':
      return drop(ctx, statement, s)
    case 'terminate':
      return terminate(statement.queryId, s)
    case 'explain':
      return explain(ctx, statement, text, s, scope, executeStatement)
    case 'alter':
      return alter(statement, s)
    default:
      return assertNever(statement, 'statement')
  }
}
