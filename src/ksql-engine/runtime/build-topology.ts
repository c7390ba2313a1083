import { scopeOverSlots, slotsOf, type ColumnSlot } from '../expression/schema-scope.ts'
import type { Compiled, CompileScope } from '../expression/compile-expression.ts'
import { expressionKey, visitExpression } from '../expression/expression-utils.ts'
import { compileExpression } from '../expression/compile-expression.ts'
import type { Expression } from '../expression/nodes.ts'
import type { ExecutionPlan, ExecutionStep } from '../planner/execution-plan.ts'
import { assertNever } from '../../shared/assert-never.ts'
import type { SqlType } from '../types/sql-type.ts'
import type { StoredRecord } from './in-memory-topics.ts'
import { createAggregateOperator } from './operators/aggregate-operator.ts'
import { createFilterOperator } from './operators/filter-operator.ts'
import { compileTableFunctions, createFlatMapOperator } from './operators/flat-map-operator.ts'
import { valueWidthOf } from '../planner/flat-map-columns.ts'
import type { Downstream, OperatorContext } from './operators/operator.ts'
import { createPartitionByOperator } from './operators/partition-by-operator.ts'
import { createProjectOperator } from './operators/project-operator.ts'
import { createSourceOperator } from './operators/source-operator.ts'
import { createStreamTableJoinOperator } from './operators/stream-table-join-operator.ts'
import { createTableTableJoinOperator } from './operators/table-table-join-operator.ts'
import { createStreamStreamJoinOperator } from './operators/stream-stream-join-operator.ts'
import { sideWidth } from './operators/join-row.ts'
import { createForeignKeyJoinOperator } from './operators/foreign-key-join-operator.ts'
import { isJoinStep } from '../planner/join-steps.ts'

/**
 * Compiles an execution plan into a record handler: source → steps → terminal. Column layouts are
 * re-derived from the plan step by step, so the runtime needs nothing but the plan.
 */
export function buildTopology(
  plan: ExecutionPlan,
  context: OperatorContext,
  terminal: Downstream,
): (record: StoredRecord) => void {
  const source = plan.source
  const qualifiers = [source.name, source.alias]
  const { layouts, keyNames } = inputLayouts(plan, scopeFor, context)
  function scopeFor(l: Layout): CompileScope {
    return scopeOverSlots(l.slots, {
      functions: context.functions,
      qualifiers,
      windowBounds: l.windowBounds,
      ...(l.substitute === undefined ? {} : { substitute: l.substitute }),
      onCallError: (message, row) => context.logError(message, row),
    })
  }

  // Records of a join's other side go to that join's store, not through the source (a source
  // joined twice feeds both joins).
  const sideInputs = new Map<string, ((record: StoredRecord) => void)[]>()
  const addSideInput = (topic: string, input: (record: StoredRecord) => void): void => {
    sideInputs.set(topic, [...(sideInputs.get(topic) ?? []), input])
  }
  let next: Downstream = terminal
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    const step = plan.steps[i] as ExecutionStep
    const stepLayout = layouts[i] as Layout
    next = buildStep(step, stepLayout, keyNames[i] ?? [], next)
  }
  const main = createSourceOperator(source, context, next)
  if (sideInputs.size === 0) return main
  return (record) => {
    const inputs = sideInputs.get(record.topic)
    if (inputs === undefined) main(record)
    else for (const input of inputs) input(record)
  }

  function buildStep(
    step: ExecutionStep,
    l: Layout,
    inputKeyNames: readonly string[],
    downstream: Downstream,
  ): Downstream {
    switch (step.kind) {
      case 'filterV1':
        return createFilterOperator(
          step.predicate,
          scopeFor(l),
          { isTable: source.sourceType === 'TABLE' },
          context,
          downstream,
        )
      case 'partitionByV1':
        return createPartitionByOperator(
          step.keyExpressions,
          scopeFor(l),
          {
            keyOnly: step.keyExpressions.map((e) => referencesOnly(e, inputKeyNames)),
          },
          context,
          downstream,
        )
      case 'flatMapV1':
        return createFlatMapOperator(
          compileTableFunctions(step.tableFunctions, scopeFor(l), context.functions).compiled,
          valueWidthOf(l.slots),
          context,
          downstream,
        )
      case 'projectV1':
        return createProjectOperator(step.keyColumns, step.valueColumns, scopeFor(l), context, downstream)
      case 'streamTableJoinV1': {
        const join = createStreamTableJoinOperator(step, scopeFor(l), context, downstream)
        addSideInput(step.right.topic, join.tableRecord)
        return join.stream
      }
      case 'streamStreamJoinV1': {
        const right = step.right
        const rightScope = joinRightScope(right, context)
        const join = createStreamStreamJoinOperator(
          step,
          { left: scopeFor(l), right: rightScope },
          { left: joinedWidth(l.slots, inputKeyNames) + (l.windowBounds ? 2 : 0), right: sideWidth(right) },
          context,
          downstream,
        )
        addSideInput(right.topic, join.rightRecord)
        return join.left
      }
      case 'tableTableJoinV1': {
        const leftWidth = joinedWidth(l.slots, inputKeyNames) + (l.windowBounds ? 2 : 0)
        const join = createTableTableJoinOperator(step, leftWidth, context, downstream)
        addSideInput(step.right.topic, join.rightRecord)
        return join.left
      }
      case 'foreignKeyJoinV1': {
        const leftWidth = joinedWidth(l.slots, inputKeyNames)
        const join = createForeignKeyJoinOperator(step, scopeFor(l), leftWidth, context, downstream)
        addSideInput(step.right.topic, join.rightRecord)
        return join.left
      }
      case 'aggregateV1': {
        const { input, output } = aggregateScopes(step, scopeFor(l), l.slots, context, qualifiers)
        return createAggregateOperator(
          step,
          { input, output },
          { isTableSource: source.sourceType === 'TABLE' },
          context,
          downstream,
        )
      }
      default:
        return assertNever(step, 'execution step')
    }
  }
}

/** The scope a stream-stream join's right side evaluates its join expression in. */
function joinRightScope(
  right: Extract<ExecutionStep, { kind: 'streamStreamJoinV1' }>['right'],
  context: OperatorContext,
): CompileScope {
  return scopeOverSlots(slotsOf(right.schema), {
    functions: context.functions,
    qualifiers: [right.name, right.alias],
    windowBounds: right.window !== null,
  })
}

/** Layout of the rows entering a step. */
interface Layout {
  slots: ColumnSlot[]
  substitute?: (expr: Expression) => Compiled | undefined
  windowBounds: boolean
}

/** The layout and key column names of the rows entering each step (a join re-keys them). */
function inputLayouts(
  plan: ExecutionPlan,
  scopeFor: (l: Layout) => CompileScope,
  context: OperatorContext,
): { layouts: Layout[]; keyNames: string[][] } {
  const source = plan.source
  const layouts: Layout[] = []
  let layout: Layout = { slots: slotsOf(source.schema), windowBounds: source.window !== null }
  const keyNames: string[][] = []
  let keyNamesHere = source.schema.key.map((c) => c.name)
  for (const step of plan.steps) {
    layouts.push(layout)
    keyNames.push(keyNamesHere)
    const keyTypes =
      step.kind === 'partitionByV1'
        ? step.keyExpressions.map((e) => compileExpression(e, scopeFor(layout)).type)
        : []
    layout =
      step.kind === 'flatMapV1'
        ? {
            ...layout,
            slots: compileTableFunctions(step.tableFunctions, scopeFor(layout), context.functions).slots(
              layout.slots,
            ),
          }
        : nextLayout(step, layout, keyNamesHere.length, keyTypes)
    if (isJoinStep(step)) keyNamesHere = step.schema.key.map((c) => c.name)
  }
  return { layouts, keyNames }
}

/** The aggregate step's scopes: its input rows, and its output (grouping keys and aggregate results). */
function aggregateScopes(
  step: ExecutionStep & { kind: 'aggregateV1' },
  input: CompileScope,
  slots: readonly ColumnSlot[],
  context: OperatorContext,
  qualifiers: readonly string[],
): { input: CompileScope; output: CompileScope } {
  const groupTypes = step.groupBy.map((g) => compileExpression(g, input).type)
  const aggTypes = step.aggregates.map((call) => {
    const fn = context.functions.aggregate(call.name)
    const args = call.args.map((a) => compileExpression(a, input))
    const r = fn?.resolve(
      args.map((a) => (a.literal !== undefined ? { type: a.type, literal: a.literal } : { type: a.type })),
    )
    return r?.ok === true ? r.value.returnType : null
  })
  const groupKeys = step.groupBy.map(expressionKey)
  const aggKeys = step.aggregates.map((c) =>
    expressionKey({ kind: 'call', name: c.name, args: c.args, star: c.star }),
  )
  const output = scopeOverSlots(slots, {
    functions: context.functions,
    qualifiers,
    windowBounds: true,
    substitute: (e) => {
      const k = expressionKey(e)
      const gi = groupKeys.indexOf(k)
      if (gi >= 0) return { type: groupTypes[gi] ?? null, evaluate: (row) => row.key[gi] ?? null }
      if (e.kind === 'call' && context.functions.isAggregate(e.name)) {
        const ai = aggKeys.indexOf(k)
        return {
          type: (aggTypes[ai] ?? null) as SqlType | null,
          evaluate: (row) => (row.value === null ? null : (row.value[ai] ?? null)),
        }
      }
      return undefined
    },
  })
  return { input, output }
}

function nextLayout(
  step: ExecutionStep,
  layout: {
    slots: ColumnSlot[]
    windowBounds: boolean
    substitute?: (expr: Expression) => Compiled | undefined
  },
  sourceKeyCount: number,
  keyTypes: readonly (SqlType | null)[],
): { slots: ColumnSlot[]; windowBounds: boolean; substitute?: (expr: Expression) => Compiled | undefined } {
  switch (step.kind) {
    case 'filterV1':
    case 'flatMapV1': // its new slots need the functions' types: built by the caller
      return layout
    case 'partitionByV1': {
      const keys = step.keyExpressions.map(expressionKey)
      return {
        slots: layout.slots.map((s) => ({
          ...s,
          namespace: 'value' as const,
          index: s.namespace === 'key' ? s.index : sourceKeyCount + s.index,
        })),
        windowBounds: layout.windowBounds,
        substitute: (e) => {
          const i = keys.indexOf(expressionKey(e))
          if (i < 0) return undefined
          return { type: keyTypes[i] ?? null, evaluate: (row) => row.key[i] ?? null }
        },
      }
    }
    case 'streamTableJoinV1':
    case 'tableTableJoinV1':
    case 'streamStreamJoinV1':
      // Windowed sources join on the windowed key: the joined rows keep the window.
      return { slots: slotsOf(step.schema), windowBounds: step.right.window !== null }
    case 'foreignKeyJoinV1':
      return { slots: slotsOf(step.schema), windowBounds: false }
    case 'projectV1':
    case 'aggregateV1':
      return layout
    default:
      return assertNever(step, 'execution step')
  }
}

/** Whether every column the expression reads is one of `names` (so it can be computed from the key alone). */
function referencesOnly(expr: Expression, names: readonly string[]): boolean {
  let only = true
  visitExpression(expr, (e) => {
    if (e.kind === 'column' && !names.includes(e.name)) only = false
  })
  return only
}

/** Columns a join step copies from each incoming row: its values, time, partition, offset and key. */
function joinedWidth(slots: readonly ColumnSlot[], keyNames: readonly string[]): number {
  return valueWidthOf(slots) + 3 + keyNames.length
}
