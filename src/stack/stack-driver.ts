import type { StackMode } from '../config/config-schema.ts'

/**
 * One way of running the lab's services (native processes or Docker containers). The commands
 * `dip up/down/status/logs` only talk to this interface, so both modes behave the same to a user.
 */
export type ServiceName = 'kafka' | 'mysql' | 'ksqldb'
export type DriverMode = Exclude<StackMode, 'auto'>

export const SERVICE_NAMES: readonly ServiceName[] = ['kafka', 'mysql', 'ksqldb']

export interface ServiceStatus {
  readonly name: ServiceName
  readonly mode: DriverMode
  /** Host pid of the process (native), or of the container's main process when known. */
  readonly pid: number | null
  readonly port: number
  readonly version: string | null
  /** Running AND answering its health probe (Kafka metadata, `SELECT 1`, `GET /info`). */
  readonly healthy: boolean
  /** Why it is not healthy, or a short note ("not started", "stale pid file removed"). */
  readonly detail?: string
  /** Kafka only: number of topics, internal ones excluded. */
  readonly topicCount?: number
  /** Native MySQL only: which server setting is in force and its binary (`bundled: …/bin/mariadbd`). */
  readonly binary?: string
  /** Docker only: the container's name. */
  readonly container?: string
}

/** Progress events, so the command can drive a spinner without the driver knowing about terminals. */
export type StackProgress =
  | { readonly kind: 'starting'; readonly service: ServiceName }
  | { readonly kind: 'waiting'; readonly service: ServiceName; readonly elapsedMs: number }
  | { readonly kind: 'healthy'; readonly service: ServiceName }
  | { readonly kind: 'already-running'; readonly service: ServiceName }
  | { readonly kind: 'stopping'; readonly service: ServiceName }
  | { readonly kind: 'stopped'; readonly service: ServiceName; readonly forced: boolean }
  | { readonly kind: 'note'; readonly message: string }

export interface UpOptions {
  /** Wait this long for each service to answer its health probe. */
  readonly timeoutMs: number
  readonly signal?: AbortSignal
  readonly onProgress?: (event: StackProgress) => void
}

export interface ServiceEndpoint {
  readonly name: ServiceName
  /** What a client connects to: `127.0.0.1:9092`, `mysql://root@127.0.0.1:3306/tp3`, `http://…`. */
  readonly endpoint: string
  readonly pid: number | null
  /** false when the service was already running and was left alone. */
  readonly started: boolean
}

export interface UpResult {
  readonly mode: DriverMode
  readonly services: readonly ServiceEndpoint[]
  /** true when every service was already running: nothing was started or restarted. */
  readonly alreadyRunning: boolean
}

export interface DownOptions {
  /** Also delete data dirs, logs and pid files (native) or volumes (Docker). */
  readonly purge: boolean
  /** SIGTERM → SIGKILL grace period. */
  readonly timeoutMs?: number
  readonly onProgress?: (event: StackProgress) => void
}

export interface DownResult {
  readonly stopped: readonly ServiceName[]
  /** Services that ignored SIGTERM within the grace period and were killed. */
  readonly forced: readonly ServiceName[]
  readonly purged: boolean
}

export interface LogsOptions {
  /** Last N lines (default 100). */
  readonly tail?: number
  /** Keep printing new lines until the signal aborts. */
  readonly follow?: boolean
  readonly signal?: AbortSignal
  /** Receives every line, in order. */
  readonly onLine: (line: string) => void
}

export interface StackDriver {
  readonly mode: DriverMode
  /** Starts what is not running and waits until every service is healthy. Idempotent. */
  up(options: UpOptions): Promise<UpResult>
  /** Stops every service (gracefully first). Not running is not an error. */
  down(options: DownOptions): Promise<DownResult>
  status(): Promise<ServiceStatus[]>
  logs(service: ServiceName, options: LogsOptions): Promise<void>
}
