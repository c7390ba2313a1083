import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/** Lints `code` as if it were the file at `filePath` (relative to the repository) and returns the failing rule ids. */
async function ruleIdsOf(code: string, filePath: string): Promise<readonly (string | null)[]> {
  const [result] = await new ESLint({ cwd: process.cwd() }).lintText(code, { filePath })
  return (result?.messages ?? []).map((message) => message.ruleId)
}

const importing = (what: string, from: string): string =>
  `import type { ${what} } from '${from}'\nexport type T = ${what}\n`

describe("the engine's stages in lint", () => {
  it('lets the analyzer import the analysis type it returns', async () => {
    const code = importing('QueryAnalysis', '../planner/analysis.ts')
    expect(await ruleIdsOf(code, 'src/ksql-engine/analyzer/sample.ts')).toEqual([])
  })

  it('refuses the analyzer the execution plan, the logical plan and the plan builder', async () => {
    for (const [what, from] of [
      ['ExecutionStep', '../planner/execution-plan.ts'],
      ['LogicalNode', '../planner/logical-plan.ts'],
      ['PersistentPlan', '../planner/build-execution-plan.ts'],
    ]) {
      const code = importing(what as string, from as string)
      expect(await ruleIdsOf(code, 'src/ksql-engine/analyzer/sample.ts')).toEqual(['no-restricted-imports'])
    }
  })

  it('refuses the analyzer the runtime', async () => {
    const code = importing('Operator', '../runtime/operator.ts')
    expect(await ruleIdsOf(code, 'src/ksql-engine/analyzer/sample.ts')).toEqual(['no-restricted-imports'])
  })

  it('refuses the planner the analyzer, even for the analysis type', async () => {
    const code = importing('QueryAnalysis', '../analyzer/analyze-query.ts')
    expect(await ruleIdsOf(code, 'src/ksql-engine/planner/sample.ts')).toEqual(['no-restricted-imports'])
  })

  it('keeps the engine-wide rules in the analyzer (no service library)', async () => {
    const code = "import { Kafka } from 'kafkajs'\nexport const k = Kafka\n"
    expect(await ruleIdsOf(code, 'src/ksql-engine/analyzer/sample.ts')).toEqual(['no-restricted-imports'])
  })
})
