import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isDipError } from '../../shared/errors.ts'
import { loadServerAuth, planKsqlServe } from './serve-ksql.ts'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

function configError(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (isDipError(error) && error.code === 'DIP_CONFIG') return error.message
    throw error
  }
  throw new Error('expected a DIP_CONFIG error')
}

const config = { ksqlUrl: 'http://127.0.0.1:18088', brokers: ['127.0.0.1:9092'], auth: null }

describe('planKsqlServe', () => {
  it('listens on loopback at the port of ksql.url, as the default service, on Kafka', () => {
    expect(planKsqlServe({}, config)).toEqual({
      port: 18088,
      host: '127.0.0.1',
      serviceId: 'default_',
      auth: null,
      brokers: ['127.0.0.1:9092'],
    })
  })

  it('takes 8088 when ksql.url names no port, and no brokers with --in-memory', () => {
    const plan = planKsqlServe(
      { inMemory: true, stackMarker: '/state/up' },
      { ...config, ksqlUrl: 'http://localhost' },
    )
    expect(plan).toMatchObject({ port: 8088, brokers: null, stackMarker: '/state/up' })
  })

  it('refuses to listen beyond loopback without authentication', () => {
    expect(configError(() => planKsqlServe({ host: '0.0.0.0' }, config))).toContain(
      'will not listen on 0.0.0.0 without authentication',
    )
  })
})

describe('loadServerAuth', () => {
  it('gives no check for NONE', () => {
    expect(loadServerAuth({ method: 'NONE', realm: 'r', credentialsFile: '' }, '/')).toBeNull()
  })

  it('reads BASIC credentials relative to the config folder, and then allows any bind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dip-serve-'))
    dirs.push(dir)
    await writeFile(join(dir, 'passwords'), 'alice: secret\n')
    const auth = loadServerAuth({ method: 'BASIC', realm: 'Lab', credentialsFile: 'passwords' }, dir)
    expect(auth?.realm).toBe('Lab')
    expect(planKsqlServe({ host: '0.0.0.0' }, { ...config, auth }).host).toBe('0.0.0.0')
  })

  it('names the missing or unreadable credentials file', () => {
    expect(
      configError(() => loadServerAuth({ method: 'BASIC', realm: 'r', credentialsFile: '' }, '/')),
    ).toContain('no credentials file is set')
    expect(
      configError(() =>
        loadServerAuth({ method: 'BASIC', realm: 'r', credentialsFile: 'missing.txt' }, '/nowhere'),
      ),
    ).toContain('missing.txt cannot be read')
  })
})
