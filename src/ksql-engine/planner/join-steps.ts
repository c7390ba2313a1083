import type { ExecutionStep, SourceStep } from './execution-plan.ts'

/** The join steps: each reads a second source besides the rows flowing into it. */
export type JoinStep = ExecutionStep & {
  kind: 'streamTableJoinV1' | 'tableTableJoinV1' | 'foreignKeyJoinV1' | 'streamStreamJoinV1'
}

export function isJoinStep(step: ExecutionStep): step is JoinStep {
  switch (step.kind) {
    case 'streamTableJoinV1':
    case 'tableTableJoinV1':
    case 'foreignKeyJoinV1':
    case 'streamStreamJoinV1':
      return true
    default:
      return false
  }
}

/** The other source a step reads, if it is a join (a chain of joins reads one per step). */
export function joinedSourceOf(step: ExecutionStep): SourceStep | null {
  return isJoinStep(step) ? step.right : null
}
