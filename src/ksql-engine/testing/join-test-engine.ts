import { createEngine } from '../engine.ts'

/** The join tests' engine setting: queries read their inputs from the beginning, as ksqlDB's corpus harness does. */
export const EARLIEST = { properties: { 'auto.offset.reset': 'earliest' } }

export type Engine = ReturnType<typeof createEngine>

/** An in-memory engine with the given DDL and statements executed in order. */
export function engineWith(ddl: readonly string[], ...statements: string[]): Engine {
  const engine = createEngine(EARLIEST)
  for (const s of [...ddl, ...statements]) engine.execute(s, EARLIEST)
  return engine
}

/** A BIGINT key as the KAFKA key format writes it. */
export function bigintKey(n: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigInt64BE(BigInt(n))
  return b
}
