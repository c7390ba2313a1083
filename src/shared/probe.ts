/**
 * Network health probes shared by the native and Docker stacks. A probe never throws: it answers
 * healthy or not, with the reason, so `dip status` can show a broken service next to working ones.
 */
export interface ProbeResult {
  readonly healthy: boolean
  readonly version: string | null
  readonly detail?: string
  /** Kafka only: topics, internal ones (`__consumer_offsets`, …) excluded. */
  readonly topicCount?: number
}

export type Probe = (signal?: AbortSignal) => Promise<ProbeResult>

/** How long one probe waits for an answer unless told otherwise. */
export const PROBE_TIMEOUT_MS = 3_000
