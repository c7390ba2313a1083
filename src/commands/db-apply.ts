import { createContext, type GlobalOptions } from '../app/context.ts'
import { applySchema, type DbApplyOptions, type DbApplyResult } from '../warehouse/apply-schema.ts'

/** `dip db apply`: create the database when missing, then run the schema file statement by statement. */
export async function dbApply(options: DbApplyOptions, global: GlobalOptions): Promise<DbApplyResult> {
  const { loaded, reporter } = createContext(global)
  const result = await applySchema(options, { reporter, config: loaded.config, baseDir: loaded.baseDir })
  reporter.result(result)
  return result
}
