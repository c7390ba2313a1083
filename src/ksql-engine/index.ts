export { createEngine, type EmbeddedEngine, type EmbeddedEngineOptions } from './engine.ts'
export type { ExecutionPlan } from './planner/execution-plan.ts'
export { EngineError, isEngineError } from './engine-error.ts'
export type * from './engine-api.ts'
export * as sqlTypes from './types/sql-type.ts'
export type { SqlType, StructField } from './types/sql-type.ts'
export {
  assertBindAllowed,
  createBasicAuth,
  parseCredentialsFile,
  type BasicAuth,
} from './server/basic-auth.ts'
export { watchStack, type StackWatchdogOptions } from './kafka-bridge/stack-watchdog.ts'
export {
  loadServerAuth,
  planKsqlServe,
  serveUntilStopped,
  startKsqlServe,
  type KsqlServeOptions,
  type KsqlServePlan,
  type ServerAuthSettings,
} from './kafka-bridge/serve-ksql.ts'
