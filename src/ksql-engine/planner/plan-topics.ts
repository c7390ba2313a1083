import type { ExecutionPlan } from './execution-plan.ts'

/** Every topic a plan reads: its source's, then each join's other side (subscribed alike). */
export function planInputTopics(plan: Pick<ExecutionPlan, 'source' | 'steps'>): string[] {
  const topics = [plan.source.topic]
  for (const step of plan.steps) {
    if (
      (step.kind === 'streamTableJoinV1' || step.kind === 'tableTableJoinV1') &&
      !topics.includes(step.right.topic)
    )
      topics.push(step.right.topic)
  }
  return topics
}

/** Every source a plan reads, by name (SHOW QUERIES, DROP checks). */
export function planSourceNames(plan: Pick<ExecutionPlan, 'source' | 'steps'>): string[] {
  return [
    plan.source.name,
    ...plan.steps.flatMap((step) =>
      step.kind === 'streamTableJoinV1' || step.kind === 'tableTableJoinV1' ? [step.right.name] : [],
    ),
  ]
}
