/**
 * The engine's second, light entry: the SQL types and names that outsiders (the warehouse sink, the
 * lab) need without loading the engine. index.ts pulls in the parser, the runtime and the server
 * (about 140 modules); this file reaches only modules that import nothing heavy, which
 * light-api.test.ts checks. Anything that runs statements belongs in index.ts.
 */
export * as sqlTypes from './types/sql-type.ts'
export type { SqlType, StructField } from './types/sql-type.ts'
export { commandTopicName } from './kafka-bridge/command-log.ts'
