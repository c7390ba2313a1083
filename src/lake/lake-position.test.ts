import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { formatLakeFileName } from './file-name.ts'
import { planRecovery, recoverTopic, type LakeFile } from './lake-position.ts'

function file(partition: number, first: bigint, last: bigint, part = 1, parts = 1, dir = 'd'): LakeFile {
  const name = {
    topic: 'T',
    partition,
    firstOffset: first,
    lastOffset: last,
    part,
    parts,
    extension: 'jsonl' as const,
  }
  return { path: `${dir}/${formatLakeFileName(name)}`, name }
}

describe('planRecovery', () => {
  it('resumes each partition after the last offset of its newest complete window', () => {
    const plan = planRecovery([file(0, 0n, 9n), file(0, 10n, 19n), file(1, 0n, 4n)])
    expect(plan.get(0)).toEqual({ nextOffset: 20n, discard: [] })
    expect(plan.get(1)).toEqual({ nextOffset: 5n, discard: [] })
  })

  it('accepts a multi-part window when every part is there', () => {
    const plan = planRecovery([file(0, 0n, 9n), file(0, 10n, 19n, 1, 2, 'a'), file(0, 10n, 19n, 2, 2, 'b')])
    expect(plan.get(0)).toEqual({ nextOffset: 20n, discard: [] })
  })

  it('discards an interrupted window and resumes at its start', () => {
    const partial = file(0, 10n, 19n, 2, 3, 'b')
    const plan = planRecovery([file(0, 0n, 9n), partial])
    expect(plan.get(0)).toEqual({ nextOffset: 10n, discard: [partial.path] })
  })

  it('starts from scratch when the only window is incomplete', () => {
    const partial = file(0, 0n, 19n, 1, 2)
    expect(planRecovery([partial]).get(0)).toEqual({ nextOffset: null, discard: [partial.path] })
  })
})

describe('recoverTopic', () => {
  let root = ''
  afterEach(async () => {
    if (root !== '') await rm(root, { recursive: true, force: true })
  })

  it('removes temp files and interrupted parts from the lake and reports positions', async () => {
    root = await mkdtemp(join(tmpdir(), 'dip-lake-'))
    const day = join(root, 'streams/T/year=2025/month=04/day=08')
    const errors = join(root, '_errors/T/year=2025/month=04/day=08')
    await mkdir(day, { recursive: true })
    await mkdir(errors, { recursive: true })
    const complete = formatLakeFileName({
      topic: 'T',
      partition: 0,
      firstOffset: 0n,
      lastOffset: 4n,
      part: 1,
      parts: 1,
      extension: 'jsonl',
    })
    const partial = formatLakeFileName({
      topic: 'T',
      partition: 0,
      firstOffset: 5n,
      lastOffset: 9n,
      part: 1,
      parts: 2,
      extension: 'jsonl',
    })
    await writeFile(join(day, complete), '{}\n')
    await writeFile(join(errors, partial), '{}\n')
    await writeFile(join(day, '.x.jsonl.123.tmp'), 'half')
    const recovery = await recoverTopic(root, 'T')
    expect(recovery.positions.get(0)).toBe(5n)
    expect(recovery.removed).toHaveLength(2)
    expect(await readdir(day)).toEqual([complete])
    expect(await readdir(errors)).toEqual([])
  })
})
