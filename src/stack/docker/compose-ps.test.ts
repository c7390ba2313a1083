import { describe, expect, it } from 'vitest'
import { parseComposePs } from './compose-ps.ts'

describe('parseComposePs', () => {
  it('reads one JSON object per line (compose ≥ 2.21)', () => {
    const stdout = [
      '{"Name":"dip-broker","Service":"broker","State":"running","Status":"Up 2 minutes (healthy)","Health":"healthy"}',
      '{"Name":"dip-mysql","Service":"mysql","State":"exited","Status":"Exited (1) 5 seconds ago","Health":""}',
    ].join('\n')
    expect(parseComposePs(stdout)).toEqual([
      {
        name: 'dip-broker',
        service: 'broker',
        state: 'running',
        status: 'Up 2 minutes (healthy)',
        health: 'healthy',
      },
      {
        name: 'dip-mysql',
        service: 'mysql',
        state: 'exited',
        status: 'Exited (1) 5 seconds ago',
        health: '',
      },
    ])
  })

  it('reads the JSON array of older compose versions', () => {
    expect(parseComposePs('[{"Name":"dip-mysql","Service":"mysql","State":"running"}]')).toEqual([
      { name: 'dip-mysql', service: 'mysql', state: 'running', status: '', health: '' },
    ])
  })

  it('reads nothing from empty output', () => {
    expect(parseComposePs('\n')).toEqual([])
  })
})
