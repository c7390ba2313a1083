/**
 * ksqlDB REST entities as they arrive on the wire (spec A1, "/ksql entities by statement").
 * Only the fields dip reads are typed; the rest stays available as `unknown`.
 */

export interface KsqlSourceSummary {
  readonly type: 'STREAM' | 'TABLE'
  readonly name: string
  readonly topic: string
  readonly keyFormat?: string
  readonly valueFormat?: string
  readonly isWindowed?: boolean
}

/** DESCRIBE field schema: `{type, fields?, memberSchema?}`. */
export interface KsqlFieldSchema {
  readonly type: string
  readonly fields?: readonly KsqlField[] | null
  readonly memberSchema?: KsqlFieldSchema | null
  readonly parameters?: Readonly<Record<string, unknown>>
}

export interface KsqlField {
  readonly name: string
  readonly schema: KsqlFieldSchema
  /** 'KEY' for key columns, 'HEADER' for header columns, absent for value columns. */
  readonly type?: string
}

export interface KsqlSourceDescription {
  readonly name: string
  readonly type: 'STREAM' | 'TABLE'
  readonly topic: string
  readonly keyFormat: string
  readonly valueFormat: string
  readonly windowType?: string | null
  readonly fields: readonly KsqlField[]
  readonly statement?: string
  /** Not part of ksqlDB's entity; dip's embedded server adds it so readers need not parse `statement`. */
  readonly windowSizeMs?: number | null
}

/** One /ksql response entity; narrow on `@type` ('streams', 'tables', 'sourceDescription', ...). */
export interface KsqlEntity {
  readonly '@type': string
  readonly statementText?: string
  readonly [field: string]: unknown
}

/** The body of a ksqlDB error response (statement_error / generic_error). */
export interface KsqlErrorBody {
  readonly '@type'?: string
  readonly error_code?: number
  readonly message?: string
  readonly statementText?: string
}
