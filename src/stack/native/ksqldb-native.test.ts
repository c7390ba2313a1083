import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ksqldbArgs, ksqldbPaths } from './ksqldb-native.ts'

describe('ksqldb native service', () => {
  it('runs `dip ksql server` with the stack config, port and a marker under the state dir', () => {
    const args = ksqldbArgs({ stateDir: '/s/.dip', configFile: '/s/dip.config.yaml', port: 18088 })
    expect(args[0]?.endsWith('/bin/dip.js')).toBe(true)
    expect(existsSync(args[0] ?? '')).toBe(true)
    expect(args.slice(1)).toEqual([
      '--config',
      '/s/dip.config.yaml',
      'ksql',
      'server',
      '--port',
      '18088',
      '--stack-marker',
      ksqldbPaths('/s/.dip').marker,
    ])
  })

  it('keeps pid and log beside the other services', () => {
    expect(ksqldbPaths('/s/.dip')).toEqual({
      marker: '/s/.dip/ksqldb',
      pidFile: '/s/.dip/run/ksqldb.pid',
      logFile: '/s/.dip/logs/ksqldb.log',
    })
  })
})
