import * as beam from 'apache-beam'
import type { PCollection } from 'apache-beam/pvalue'
import { describe, expect, it } from 'vitest'
import { asyncParDo, registerAsyncDoFn } from './async-do-fn.ts'
import { resourcesOf, runPipeline } from './run-pipeline.ts'
import { stageReports } from './stage-stats.ts'

interface TestResources {
  readonly written: string[]
  readonly failAt: number | null
}

type Tagged = { good: number } | { bad: number }

registerAsyncDoFn<number, number, { readonly run: string }>('test:count', {
  async process(count, emit) {
    for (let i = 0; i < count; i++) {
      // Real I/O between records: each emit must be awaited for the order to hold.
      await new Promise((resolve) => setImmediate(resolve))
      await emit(i)
    }
  },
})

registerAsyncDoFn<number, Tagged, { readonly run: string }>('test:tag', {
  process: (n, emit) => emit(n % 5 === 4 ? { bad: n } : { good: n }),
})

registerAsyncDoFn<number, never, { readonly run: string }>('test:write', {
  async process(n, _emit, { run }) {
    const resources = resourcesOf<TestResources>(run)
    await new Promise((resolve) => setTimeout(resolve, n % 7 === 0 ? 2 : 0))
    if (n === resources.failAt) throw new Error(`cannot write ${n}`)
    resources.written.push(String(n))
  },
  finishBundle(_emit, { run }) {
    resourcesOf<TestResources>(run).written.push('flushed')
  },
})

function pipeline(count: number, resources: TestResources) {
  return runPipeline(resources, (root, runId) => {
    const context = { run: runId }
    const tagged: PCollection<Tagged> = root
      .apply(beam.create([count]))
      .apply(asyncParDo<number, number, typeof context>('Count', 'test:count', context, runId))
      .apply(asyncParDo<number, Tagged, typeof context>('Tag', 'test:tag', context, runId))
    const { good, bad } = tagged.apply(beam.split<Tagged>(['good', 'bad'])) as {
      good: PCollection<number>
      bad: PCollection<number>
    }
    beam
      .P([good, bad])
      .apply(beam.flatten<number>())
      .apply(asyncParDo<number, never, typeof context>('Write', 'test:write', context, runId))
  })
}

describe('async DoFns on the Beam direct runner', () => {
  it('runs I/O steps in order through a tagged split and a flatten, then finishes the bundle', async () => {
    const resources: TestResources = { written: [], failAt: null }
    const run = await pipeline(50, resources)
    expect(resources.written).toEqual([...Array.from({ length: 50 }, (_, i) => String(i)), 'flushed'])
    const reports = stageReports(run.stages, ['Count', 'Tag', 'Write'])
    expect(reports.map((r) => [r.stage, r.in, r.out])).toEqual([
      ['Count', 1, 50],
      ['Tag', 50, 50],
      ['Write', 50, 0],
    ])
    expect(reports.every((r) => r.seconds >= 0)).toBe(true)
  })

  it('fails the run with the error of a step, and writes nothing after it', async () => {
    const resources: TestResources = { written: [], failAt: 12 }
    await expect(pipeline(50, resources)).rejects.toThrow('cannot write 12')
    expect(resources.written).toEqual(Array.from({ length: 12 }, (_, i) => String(i)))
  })

  it('keeps the SDK quiet on stdout while it runs and restores console.debug after', async () => {
    const debug = console.debug
    await pipeline(3, { written: [], failAt: null })
    expect(console.debug).toBe(debug)
  })
})
