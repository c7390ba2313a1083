import { execa } from 'execa'

/**
 * A port for running external programs (docker, mvn, java, mariadb-install-db). Code that builds
 * command lines takes a CommandRunner so tests can assert the exact arguments with a fake.
 */
export interface CommandResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
  /** The program could not be started at all (ENOENT: not installed). */
  readonly notFound: boolean
}

export interface RunOptions {
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly input?: string
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
}

export interface CommandRunner {
  /** Never throws for a non-zero exit: callers decide what a failure means. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>
}

export function createExecaRunner(): CommandRunner {
  return {
    async run(command, args, options = {}) {
      const result = await execa(command, [...args], {
        reject: false,
        stripFinalNewline: true,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
        ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
      })
      const notFound = (result as { code?: string }).code === 'ENOENT'
      return {
        exitCode: result.exitCode ?? (notFound ? 127 : 1),
        stdout: String(result.stdout ?? ''),
        stderr: notFound ? `${command}: command not found` : String(result.stderr ?? ''),
        notFound,
      }
    },
  }
}

/** A scripted runner for tests: records every call and answers from a handler. */
export interface RecordedCall {
  readonly command: string
  readonly args: readonly string[]
  readonly options: RunOptions
}

export function createFakeRunner(
  answer: (call: RecordedCall) => Partial<CommandResult> | undefined = () => undefined,
): CommandRunner & { readonly calls: RecordedCall[] } {
  const calls: RecordedCall[] = []
  return {
    calls,
    run(command, args, options = {}) {
      const call = { command, args: [...args], options }
      calls.push(call)
      const partial = answer(call) ?? {}
      return Promise.resolve({ exitCode: 0, stdout: '', stderr: '', notFound: false, ...partial })
    },
  }
}
