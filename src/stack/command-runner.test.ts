import { describe, expect, it } from 'vitest'
import { createExecaRunner, createFakeRunner } from './command-runner.ts'

describe('execa runner', () => {
  it('returns exit code and output without throwing on failure', async () => {
    const runner = createExecaRunner()
    const result = await runner.run(process.execPath, [
      '-e',
      'console.log("out"); console.error("err"); process.exit(3)',
    ])
    expect(result).toEqual({ exitCode: 3, stdout: 'out', stderr: 'err', notFound: false })
  })

  it('reports a missing program as notFound', async () => {
    const result = await createExecaRunner().run('dip-no-such-program-xyz', [])
    expect(result.notFound).toBe(true)
    expect(result.exitCode).not.toBe(0)
  })
})

describe('fake runner', () => {
  it('records calls and answers from the handler', async () => {
    const runner = createFakeRunner((call) =>
      call.args[0] === 'info' ? { exitCode: 1, stderr: 'no engine' } : undefined,
    )
    expect((await runner.run('docker', ['info'])).exitCode).toBe(1)
    expect((await runner.run('docker', ['ps'])).exitCode).toBe(0)
    expect(runner.calls.map((c) => c.args.join(' '))).toEqual(['info', 'ps'])
  })
})
