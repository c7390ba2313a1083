/** Where a record came from: enough to store positions and to trace a reject back to Kafka. */
export interface RecordRef {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  readonly key: Buffer | null
  readonly value: Buffer | null
}

/** A consumed record after decoding, as the warehouse writer sees it. */
export type WarehouseRecord =
  /** Key, window and value columns by their ksqlDB names. */
  | { readonly kind: 'row'; readonly ref: RecordRef; readonly row: Readonly<Record<string, unknown>> }
  /** A tombstone: only the key (and window) columns. */
  | { readonly kind: 'delete'; readonly ref: RecordRef; readonly key: Readonly<Record<string, unknown>> }
  /** Undecodable bytes: the record goes to dip_rejects. */
  | { readonly kind: 'invalid'; readonly ref: RecordRef; readonly reason: string }

/** A record that cannot be written, stored in dip_rejects with the reason. */
export interface Reject {
  readonly ref: RecordRef
  readonly table: string
  readonly reason: string
}
