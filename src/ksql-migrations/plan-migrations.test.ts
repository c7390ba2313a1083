import { describe, expect, it } from 'vitest'
import { fileStatements, substituteVariables } from './file-statements.ts'
import { variableKey } from '../shared/substitute-variables.ts'
import { parseMigrationFileName } from './migration-files.ts'
import { planMigrations, type AppliedVersion } from './plan-migrations.ts'

const file = (version: number, checksum = `c${version}`) => ({
  version,
  name: `v${version}`,
  path: `ksql/V00000${version}__v${version}.sql`,
  sql: '',
  checksum,
})
const applied = (version: number, state = 'MIGRATED', checksum = `c${version}`): AppliedVersion => ({
  version,
  name: `v${version}`,
  state,
  checksum,
  previous: '<none>',
  errorReason: 'N/A',
})

describe('migration planning', () => {
  it('parses ksql-migrations file names', () => {
    expect(parseMigrationFileName('V000002__Add_users.sql')).toEqual({ version: 2, name: 'Add users' })
    expect(parseMigrationFileName('V000000__zero.sql')).toBeNull()
    expect(parseMigrationFileName('V2__short.sql')).toBeNull()
  })

  it('is up to date when every file is migrated, pending otherwise; ERROR versions re-run', () => {
    expect(planMigrations([file(1), file(2)], [applied(1), applied(2)])).toEqual({
      kind: 'upToDate',
      current: 2,
    })
    const plan = planMigrations([file(1), file(2), file(3)], [applied(1), applied(2, 'ERROR')])
    expect(plan).toMatchObject({ kind: 'apply', current: 1, pending: [{ version: 2 }, { version: 3 }] })
  })

  it('refuses changed or missing applied files unless forced', () => {
    expect(planMigrations([file(1, 'other')], [applied(1)])).toMatchObject({ kind: 'refused' })
    expect(planMigrations([file(1, 'other')], [applied(1)], { force: true })).toMatchObject({
      kind: 'upToDate',
    })
    expect(planMigrations([], [applied(1)])).toMatchObject({ kind: 'refused' })
  })
})

describe('file statements', () => {
  it('handles SET/DEFINE on the client and keeps line numbers', () => {
    const statements = fileStatements(
      "-- header\nSET 'auto.offset.reset'='earliest';\nDEFINE t = 'x';\n\nCREATE STREAM s AS SELECT * FROM ${t};\n",
    )
    expect(statements.map((s) => [s.kind, s.line])).toEqual([
      ['set', 2],
      ['define', 3],
      ['server', 5],
    ])
  })

  it('substitutes ${var} and keeps $${escaped}', () => {
    const vars = new Map([[variableKey('topic'), 'events']])
    expect(substituteVariables("'${TOPIC}' $${topic}", vars)).toBe("'events' ${topic}")
    expect(() => substituteVariables('${missing}', vars)).toThrow(/missing/)
  })
})
