export { createEngine, type EmbeddedEngineOptions } from './engine.ts'
export { EngineError, isEngineError } from './engine-error.ts'
export type * from './engine-api.ts'
