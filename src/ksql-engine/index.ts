export { createEngine, type EmbeddedEngine, type EmbeddedEngineOptions } from './engine.ts'
export type { ExecutionPlan } from './planner/execution-plan.ts'
export { EngineError, isEngineError } from './engine-error.ts'
export type * from './engine-api.ts'
