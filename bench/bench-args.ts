/** Flag parsing and machine facts shared by the bench suites (`npm run bench -- <suite> …`). */
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
