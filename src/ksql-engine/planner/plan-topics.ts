import type { ExecutionPlan, ExecutionStep } from './execution-plan.ts'

type JoinStep = ExecutionStep & { kind: 'streamTableJoinV1' | 'tableTableJoinV1' | 'streamStreamJoinV1' }

/** Whether a step reads a second source (a join). */
export function isJoinStep(step: ExecutionStep): step is JoinStep {
  return (
    step.kind === 'streamTableJoinV1' ||
    step.kind === 'tableTableJoinV1' ||
    step.kind === 'streamStreamJoinV1'
  )
}

/** Every topic a plan reads: its source's, then each join's other side (subscribed alike). */
export function planInputTopics(plan: Pick<ExecutionPlan, 'source' | 'steps'>): string[] {
  const topics = [plan.source.topic]
  for (const step of plan.steps) {
    if (isJoinStep(step) && !topics.includes(step.right.topic)) topics.push(step.right.topic)
  }
  return topics
}

/** Every source a plan reads, by name (SHOW QUERIES, DROP checks). */
export function planSourceNames(plan: Pick<ExecutionPlan, 'source' | 'steps'>): string[] {
  return [plan.source.name, ...plan.steps.flatMap((step) => (isJoinStep(step) ? [step.right.name] : []))]
}
