/** Flag parsing, machine facts and table output shared by the bench suites (`npm run bench -- <suite> …`). */
import { cpus, loadavg } from 'node:os'

export function intFlag(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name)
  if (at < 0) return fallback
  const value = Number(args[at + 1])
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} needs a whole number greater than 0`)
  return value
}

export function stringFlag(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name)
  return at < 0 ? undefined : args[at + 1]
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100
}

/** What a figure depends on: the CPUs, Node, and the load before and after the run (2-core shared machines). */
export interface MachineFacts {
  readonly cpus: number
  readonly node: string
  readonly loadAverageBefore: readonly number[]
  readonly loadAverageAfter: readonly number[]
}

export function loadAverage(): number[] {
  return loadavg().map(round2)
}

export function machineFacts(loadAverageBefore: readonly number[]): MachineFacts {
  return { cpus: cpus().length, node: process.version, loadAverageBefore, loadAverageAfter: loadAverage() }
}

/**
 * A plain-text table: columns padded to their widest cell, figures (`numeric(i)`) right-aligned,
 * the rest left-aligned, one string per line.
 */
export function tableLines(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: (column: number) => boolean,
): string[] {
  const lines = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)))
  return lines.map((line) =>
    line
      .map((cell, i) => (numeric(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  )
}
