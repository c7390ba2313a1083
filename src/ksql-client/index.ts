export { createKsqlClient, type KsqlClient, type KsqlClientOptions } from './ksql-client.ts'
export { KsqlRequestError, isKsqlUnreachable } from './ksql-error.ts'
export {
  toSourceSchema,
  windowSizeFromStatement,
  type SourceSchema,
  type SourceColumn,
} from './source-schema.ts'
export type * from './wire-types.ts'
export { authHeaders, ksqlCredentials, type KsqlCredentials } from './ksql-auth.ts'
