import type { ExecutionPlan } from './execution-plan.ts'
import { joinedSourceOf } from './join-steps.ts'

/** Every topic a plan reads: its source's, then each join's other side (subscribed alike). */
export function planInputTopics(plan: Pick<ExecutionPlan, 'source' | 'steps'>): string[] {
  const topics = [plan.source.topic]
  for (const step of plan.steps) {
    const right = joinedSourceOf(step)
    if (right !== null && !topics.includes(right.topic)) topics.push(right.topic)
  }
  return topics
}

/** Every source a plan reads, by name (SHOW QUERIES, DROP checks). */
export function planSourceNames(plan: Pick<ExecutionPlan, 'source' | 'steps'>): string[] {
  return [
    plan.source.name,
    ...plan.steps.flatMap((step) => {
      const right = joinedSourceOf(step)
      return right === null ? [] : [right.name]
    }),
  ]
}
