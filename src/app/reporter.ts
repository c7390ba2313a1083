import { Chalk, type ChalkInstance } from 'chalk'
import ora from 'ora'

/**
 * Everything a command prints goes through a Reporter: human text on a terminal, or one JSON
 * document with --json. Commands never call console.* directly, so tests can capture output.
 */
export interface Reporter {
  readonly json: boolean
  readonly color: ChalkInstance
  info(message: string): void
  success(message: string): void
  warn(message: string): void
  /** Human output only: suppressed with --json. */
  table(rows: readonly (readonly unknown[])[], options?: { header?: readonly string[] }): void
  /** The --json result of a command; ignored in human mode. */
  result(data: unknown): void
  /** A spinner on a terminal; plain progress lines elsewhere; silent with --json. */
  spinner(text: string): Spinner
  /**
   * A status line of a long run (a streaming sink's periodic progress): printed above a running
   * spinner on a terminal, as a plain line elsewhere, on stderr with --json.
   */
  progress(line: string): void
}

export interface Spinner {
  update(text: string): void
  succeed(text?: string): void
  fail(text?: string): void
  stop(): void
}

export interface ReporterOptions {
  readonly json?: boolean
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean }
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  readonly env?: Readonly<Record<string, string | undefined>>
}

export function createReporter(options: ReporterOptions = {}): Reporter {
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const env = options.env ?? process.env
  const json = options.json ?? false
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== ''
  const color = new Chalk({ level: noColor || !stdout.isTTY ? 0 : env['FORCE_COLOR'] === '0' ? 0 : 1 })
  const out = (line: string) => void stdout.write(`${line}\n`)
  // Status lines go to stderr in --json mode so stdout stays one parseable document.
  const note = (line: string) => void (json ? stderr : stdout).write(`${line}\n`)
  // A terminal that reports 0 columns (`script` without a size, some CI shells) cannot host a
  // spinner: ora divides by the width to count the lines to clear, gets Infinity, and clears forever.
  const interactive = !json && Boolean(stderr.isTTY) && env['CI'] === undefined && hasWidth(stderr.columns)
  // ora colours its frames with its own chalk, which does not read NO_COLOR: the reporter decides.
  const spinnerColor = new Chalk({ level: noColor || env['FORCE_COLOR'] === '0' ? 0 : 1 })

  // The spinner on screen, if any: a progress line is written above it, not into its line.
  let active: ReturnType<typeof ora> | undefined

  return {
    json,
    color,
    info: (message) => note(message),
    progress(line) {
      if (active === undefined) return note(line)
      active.clear()
      stderr.write(`${line}\n`)
      active.render()
    },
    success: (message) => note(`${color.green('✔')} ${message}`),
    warn: (message) => void stderr.write(`${color.yellow('⚠')} ${message}\n`),
    table(rows, tableOptions = {}) {
      if (json) return
      const all = tableOptions.header === undefined ? rows : [tableOptions.header, ...rows]
      for (const line of formatTable(all)) out(line)
    },
    result(data) {
      if (json) out(JSON.stringify(data, null, 2))
    },
    spinner(text) {
      if (interactive) {
        const spin = ora({ text, stream: stderr, color: noColor ? false : 'cyan', isEnabled: true }).start()
        active = spin
        const end = (finish: () => void) => {
          if (active === spin) active = undefined
          finish()
        }
        return {
          update: (next) => void (spin.text = next),
          succeed: (done) =>
            end(() => spin.stopAndPersist({ symbol: spinnerColor.green('✔'), text: done ?? spin.text })),
          fail: (done) =>
            end(() => spin.stopAndPersist({ symbol: spinnerColor.red('✖'), text: done ?? spin.text })),
          stop: () => end(() => spin.stop()),
        }
      }
      if (!json) note(`… ${text}`)
      return {
        update: () => undefined,
        succeed: (done) => (json ? undefined : note(`${color.green('✔')} ${done ?? text}`)),
        fail: (done) => void stderr.write(`${color.red('✖')} ${done ?? text}\n`),
        stop: () => undefined,
      }
    },
  }
}

/** undefined: the stream does not say (ora assumes 80); 0 or less: no room for a spinner. */
function hasWidth(columns: number | undefined): boolean {
  return columns === undefined || columns > 0
}

/** Left-aligned columns, numbers right-aligned. */
export function formatTable(rows: readonly (readonly unknown[])[]): string[] {
  const cells = rows.map((row) => row.map((cell) => (cell == null ? '' : String(cell))))
  const widths: number[] = []
  for (const row of cells) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return cells.map((row, r) =>
    row
      .map((cell, i) => {
        const numeric = r > 0 && typeof rows[r]?.[i] === 'number'
        return numeric ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)
      })
      .join('  ')
      .trimEnd(),
  )
}
