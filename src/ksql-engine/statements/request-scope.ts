import { variableKey } from '../../shared/substitute-variables.ts'
import type { PrepareOptions, RunOptions, StatementResult } from '../engine-api.ts'
import type { Statement } from '../parser/ast.ts'
import type { RequestScope } from './engine-context.ts'

/** The statements that change a request's scope: the only ones a later statement's parse depends on. */
export type ScopeStatement = Extract<
  Statement,
  { kind: 'setProperty' | 'unsetProperty' | 'defineVariable' | 'undefineVariable' }
>

export function isScopeStatement(statement: Statement): statement is ScopeStatement {
  return (
    statement.kind === 'setProperty' ||
    statement.kind === 'unsetProperty' ||
    statement.kind === 'defineVariable' ||
    statement.kind === 'undefineVariable'
  )
}

/**
 * SET/UNSET/DEFINE/UNDEFINE: they affect only the rest of their request. Preparing applies them
 * to parse the statements after them, and each run (sandbox, real) applies them again in its own
 * scope, so every run sees at each statement the scope that statement was parsed with.
 */
export function changeScope(statement: ScopeStatement, scope: RequestScope): StatementResult {
  switch (statement.kind) {
    case 'setProperty':
      scope.properties.set(statement.name, statement.value)
      return { kind: 'propertySet', name: statement.name, value: statement.value }
    case 'unsetProperty':
      scope.properties.delete(statement.name)
      return { kind: 'propertySet', name: statement.name, value: null }
    case 'defineVariable':
      scope.variables.set(variableKey(statement.name), statement.value)
      return { kind: 'variableSet', name: statement.name, value: statement.value }
    case 'undefineVariable':
      scope.variables.delete(variableKey(statement.name))
      return { kind: 'variableSet', name: statement.name, value: null }
  }
}

/** A fresh scope for one run of a request: its own properties and variables, nothing from other runs. */
export function requestScope(options: PrepareOptions, run: RunOptions): RequestScope {
  return {
    properties: new Map(Object.entries(options.properties ?? {})),
    variables: new Map(Object.entries(options.variables ?? {}).map(([k, v]) => [variableKey(k), v])),
    live: run.live,
    history: run.history,
  }
}
