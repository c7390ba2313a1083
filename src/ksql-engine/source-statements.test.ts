import { describe, expect, it } from 'vitest'
import { createEngine } from './engine.ts'

describe('SOURCE streams and tables refuse CREATE OR REPLACE and ALTER (ksqlDB wording)', () => {
  it('refuses CREATE OR REPLACE SOURCE even when nothing exists yet', () => {
    const engine = createEngine()
    expect(() =>
      engine.execute(
        "CREATE OR REPLACE SOURCE TABLE input (k INT PRIMARY KEY, t STRING) WITH (kafka_topic='t', value_format='JSON');",
      ),
    ).toThrow("Cannot add table 'INPUT': CREATE OR REPLACE is not supported on source tables.")
  })

  it('refuses ALTER on a SOURCE stream, naming it', () => {
    const engine = createEngine()
    engine.execute(
      "CREATE SOURCE STREAM input (k STRING KEY, t STRING) WITH (kafka_topic='t', value_format='JSON');",
    )
    expect(() => engine.execute('ALTER STREAM input ADD COLUMN c INT;')).toThrow(
      "Cannot alter stream 'INPUT': ALTER operations are not supported on source streams.",
    )
  })

  it('still reports ALTER of an ordinary stream as unsupported, and keeps serving', () => {
    const engine = createEngine()
    engine.execute(
      "CREATE STREAM input (k STRING KEY, t STRING) WITH (kafka_topic='t', value_format='JSON');",
    )
    expect(() => engine.execute('ALTER STREAM input ADD COLUMN c INT;')).toThrow(
      'not supported by the embedded engine: ALTER',
    )
    expect(engine.sources().map((s) => s.name)).toEqual(['INPUT'])
  })
})
