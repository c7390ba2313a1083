import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/** Lints `code` as if it were the file at `filePath` (relative to the repository) and returns the failing rule ids. */
async function ruleIdsOf(code: string, filePath: string): Promise<readonly (string | null)[]> {
  const [result] = await new ESLint({ cwd: process.cwd() }).lintText(code, { filePath })
  return (result?.messages ?? []).map((message) => message.ruleId)
}

const fn = (body: string): string => `export async function load(): Promise<unknown> {\n  return ${body}\n}\n`

describe('the engine boundary in lint', () => {
  it('refuses a dynamic import that reaches past the engine entries from outside', async () => {
    const ids = await ruleIdsOf(
      fn("await import('../ksql-engine/kafka-bridge/command-log.ts')"),
      'src/lab/sample.ts',
    )
    expect(ids).toEqual(['no-restricted-syntax'])
  })

  it('refuses the same reach as a static import', async () => {
    const code =
      "import { commandTopicName } from '../ksql-engine/kafka-bridge/command-log.ts'\nexport const t = commandTopicName('x')\n"
    expect(await ruleIdsOf(code, 'src/lab/sample.ts')).toEqual(['no-restricted-imports'])
  })

  it('lets outsiders import the two entries, statically or dynamically', async () => {
    for (const entry of ['index.ts', 'light-api.ts']) {
      expect(await ruleIdsOf(fn(`await import('../ksql-engine/${entry}')`), 'src/lab/sample.ts')).toEqual([])
      const code = `import * as engine from '../ksql-engine/${entry}'\nexport const e = engine\n`
      expect(await ruleIdsOf(code, 'src/consume/sample.ts')).toEqual([])
    }
  })

  it('lets the engine import its own files dynamically', async () => {
    const code = fn("await import('./kafka-bridge/command-log.ts')")
    expect(await ruleIdsOf(code, 'src/ksql-engine/sample.ts')).toEqual([])
  })
})
