import { describe, expect, it } from 'vitest'
import { formatJavaDouble } from '../types/java-format.ts'
import { JsonByteWriter } from './json-bytes.ts'

/** Deterministic values: mulberry32. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** The double `steps` ulps away from v. */
function nextDouble(v: number, steps: number): number {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, v)
  view.setBigInt64(0, view.getBigInt64(0) + BigInt(steps))
  return view.getFloat64(0)
}

const out = new JsonByteWriter()

function written(v: number): string | null {
  out.begin()
  return out.nearCentsDouble(v) ? out.end().toString('latin1') : null
}

describe('JsonByteWriter.nearCentsDouble', () => {
  it('writes Java text of running sums of cents, or declines', () => {
    const next = random(42)
    let handled = 0
    let total = 0
    for (let run = 0; run < 60; run++) {
      let sum = 0
      const magnitude = 10 ** Math.floor(next() * 6)
      for (let i = 0; i < 500; i++) {
        sum += (Math.round(next() * 100 * magnitude) / 100) * (next() < 0.1 ? -1 : 1)
        const text = written(sum)
        total++
        if (text === null) continue
        handled++
        expect(text, String(sum)).toBe(formatJavaDouble(sum))
      }
    }
    expect(handled / total).toBeGreaterThan(0.9)
  })

  it('agrees near cents, whole numbers, powers of ten and the range bounds', () => {
    const centers = [
      1,
      1.01,
      1.1,
      9.99,
      10,
      99.99,
      100,
      0.995,
      1.005,
      2.675,
      1e7 - 0.01,
      9999999.995,
      8388608,
    ]
    for (let r = 100; r < 1_000_000_000; r = Math.ceil(r * 1.37) + 1) centers.push(r / 100)
    for (const center of centers)
      for (let steps = -200; steps <= 200; steps++)
        for (const v of [nextDouble(center, steps), -nextDouble(center, steps)]) {
          const text = written(v)
          if (text !== null && text !== formatJavaDouble(v)) expect(text, String(v)).toBe(formatJavaDouble(v))
        }
  })

  it('declines values outside [1, 10^7) and far from cents', () => {
    for (const v of [0, -0, 0.5, 1e7, 1e21, Number.NaN, Infinity, -Infinity, Math.PI, 1 / 3])
      expect(written(v), String(v)).toBeNull()
  })
})
