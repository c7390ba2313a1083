import { buildExecutionPlan } from '../planner/build-execution-plan.ts'
import { buildLogicalPlan } from '../planner/logical-plan.ts'
import { assertNever } from '../../shared/assert-never.ts'
import { analyzeQuery } from '../analyzer/analyze-query.ts'
import type { StatementResult } from '../engine-api.ts'
import { describePlan, describeRunningQuery } from '../explain/describe-plan.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { BuiltinFunctionRegistry } from '../functions/index.ts'
import type { Statement } from '../parser/ast.ts'
import { sandboxOf, type EngineContext, type ExecutionState, type RequestScope } from './engine-context.ts'

/** Runs one parsed statement (EXPLAIN runs the statement it explains in a sandbox). */
export type StatementRunner = (
  ctx: EngineContext,
  statement: Statement,
  text: string,
  s: ExecutionState,
  scope: RequestScope,
) => StatementResult

export function show(
  ctx: EngineContext,
  statement: Statement & { kind: 'show' },
  s: ExecutionState,
  scope: RequestScope,
): StatementResult {
  switch (statement.what) {
    case 'STREAMS':
    case 'TABLES': {
      const type = statement.what === 'STREAMS' ? 'STREAM' : 'TABLE'
      const rows = s.metastore
        .all()
        .filter((src) => src.type === type)
        .map((src) => ({
          type,
          name: src.name,
          topic: src.topic,
          keyFormat: src.formats.keyFormat,
          valueFormat: src.formats.valueFormat,
          isWindowed: src.window !== null,
        }))
      return { kind: 'listing', what: statement.what, rows }
    }
    case 'QUERIES':
      return { kind: 'listing', what: 'QUERIES', rows: [...s.queries.values()].map((q) => q.info) }
    case 'TOPICS':
      return {
        kind: 'listing',
        what: 'TOPICS',
        rows: ctx.topics.names().map((name) => ({
          name,
          replicaInfo: new Array<number>(ctx.topics.partitions(name) ?? 1).fill(1),
        })),
      }
    case 'PROPERTIES': {
      const merged = new Map([...ctx.serverProperties, ...scope.properties])
      return {
        kind: 'listing',
        what: 'PROPERTIES',
        rows: [...merged].map(([name, value]) => ({ name, value, scope: 'KSQL' })),
      }
    }
    case 'VARIABLES':
      return {
        kind: 'listing',
        what: 'VARIABLES',
        rows: [...scope.variables].map(([name, value]) => ({ name, value })),
      }
    case 'FUNCTIONS':
      return {
        kind: 'listing',
        what: 'FUNCTIONS',
        rows:
          'list' in ctx.functions && typeof ctx.functions.list === 'function'
            ? [...(ctx.functions as BuiltinFunctionRegistry).list()]
            : [],
      }
    default:
      return assertNever(statement.what, 'listing')
  }
}

/** EXPLAIN: a running query's plan, or the plan a statement would run (validated in a sandbox). */
export function explain(
  ctx: EngineContext,
  statement: Statement & { kind: 'explain' },
  text: string,
  s: ExecutionState,
  scope: RequestScope,
  run: StatementRunner,
): StatementResult {
  if (statement.queryId !== null) {
    const id = statement.queryId
    const query =
      s.queries.get(id) ?? [...s.queries.values()].find((q) => q.info.id.toUpperCase() === id.toUpperCase())
    if (query === undefined)
      throw new StatementError(
        `Query with id:${id} does not exist, use SHOW QUERIES to view the full set of queries.`,
      )
    return {
      kind: 'queryDescription',
      description: describeRunningQuery(query.plan, query.info, ctx.functions),
    }
  }
  const inner = statement.statement
  const innerText = text.replace(/^\s*EXPLAIN\s+/i, '')
  if (inner?.kind === 'select') {
    const analysis = analyzeQuery(inner.query, s.metastore, {
      functions: ctx.functions,
      sinkName: inner.query.from.name,
      sinkType: null,
    })
    const plan = buildExecutionPlan(buildLogicalPlan(analysis), {
      queryId: 'transient',
      statement: innerText,
    })
    return {
      kind: 'queryDescription',
      description: describePlan(
        plan,
        { id: '', state: 'UNKNOWN', queryType: 'PUSH' },
        analysis.schema,
        ctx.functions,
      ),
    }
  }
  if (inner?.kind !== 'createAsSelect' && inner?.kind !== 'insertInto')
    throw new StatementError(
      'EXPLAIN takes a query id, a SELECT, a CREATE … AS SELECT or an INSERT INTO … SELECT.',
    )
  const sandbox = sandboxOf(s)
  const result = run(ctx, inner, innerText, sandbox, scope)
  const queryId = result !== null && 'queryId' in result ? result.queryId : null
  const query = queryId === null ? undefined : sandbox.queries.get(queryId)
  if (query === undefined) throw new StatementError(`EXPLAIN: the statement starts no query: ${innerText}`)
  return {
    kind: 'queryDescription',
    description: describeRunningQuery(query.plan, query.info, ctx.functions, 'UNKNOWN'),
  }
}
