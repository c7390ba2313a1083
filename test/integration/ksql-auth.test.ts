import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { freePort } from '../../src/stack/native/port-check.ts'
import { runDip } from './dip-cli.ts'

/**
 * `dip ksql server` with `ksql.authentication.method: BASIC`, run as a user runs it (`node
 * bin/dip.js`), and every `dip ksql` command against it: refused with ksqlDB's 401 without or with
 * wrong credentials, working with DIP_KSQL_USER / DIP_KSQL_PASSWORD, the password never printed.
 */
const PASSWORD = 'pw-7Hq2-never-printed'
const BIN = resolve(import.meta.dirname, '../../bin/dip.js')

let dir: string
let configFile: string
let url: string
let server: ReturnType<typeof startServer> | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-ksql-auth-'))
  const port = await freePort()
  url = `http://127.0.0.1:${port}`
  await writeFile(join(dir, 'password-file'), `# lab users\nann: ${PASSWORD},admin\n`)
  // The JAAS form ksqlDB documents, pointing at the password file.
  await writeFile(
    join(dir, 'jaas.conf'),
    `KsqlServer-Props {\n  org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required\n  file="${join(dir, 'password-file')}";\n};\n`,
  )
  configFile = join(dir, 'dip.config.yaml')
  await writeFile(
    configFile,
    stringify({
      ksql: { url, authentication: { method: 'BASIC', credentialsFile: 'jaas.conf' } },
      stateDir: join(dir, 'state'),
    }),
  )
  await mkdir(join(dir, 'migrations'))
  await writeFile(
    join(dir, 'migrations', 'V000001__orders.sql'),
    "CREATE STREAM orders (id INT KEY, amount DOUBLE) WITH (kafka_topic='orders', value_format='JSON', partitions=1);\nINSERT INTO orders (id, amount) VALUES (1, 9.5);\n",
  )
  server = startServer()
  for (;;) {
    const answered = await fetch(`${url}/info`).then(
      (response) => response.status,
      () => 0,
    )
    if (answered !== 0) break
    if (server.exitCode !== null) throw new Error(`the server stopped: ${String((await server).stderr)}`)
    await sleep(200)
  }
})

function startServer() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_')))
  return execa(process.execPath, [BIN, '--config', configFile, 'ksql', 'server', '--in-memory'], {
    env: { ...env, NO_COLOR: '1' },
    extendEnv: false,
    reject: false,
  })
}

afterAll(async () => {
  server?.kill('SIGTERM')
  await server
  await rm(dir, { recursive: true, force: true })
})

const dip = (args: readonly string[], env: Record<string, string> = {}) =>
  runDip(['--config', configFile, ...args], { env, cwd: dir })
const ann = { DIP_KSQL_USER: 'ann', DIP_KSQL_PASSWORD: PASSWORD }

describe('ksqlDB REST authentication (HTTP Basic)', () => {
  it("answers ksqlDB's 401 body to a request without or with wrong credentials", async () => {
    for (const headers of [{}, { Authorization: `Basic ${Buffer.from('ann:wrong').toString('base64')}` }]) {
      const response = await fetch(`${url}/ksql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.ksql.v1+json', ...headers },
        body: JSON.stringify({ ksql: 'SHOW STREAMS;' }),
      })
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({
        '@type': 'generic_error',
        error_code: 40100,
        message: 'Unauthorized',
      })
    }
  })

  it('refuses dip ksql commands without credentials, naming the settings that carry them', async () => {
    const status = await dip(['ksql', 'status'])
    expect(status.exitCode).toBe(1)
    expect(status.stderr).toContain('40100')
    expect(status.stderr).toContain('DIP_KSQL_USER')
    const wrong = await dip(['ksql', 'info'], { DIP_KSQL_USER: 'ann', DIP_KSQL_PASSWORD: 'nope' })
    expect(wrong.exitCode).toBe(1)
    expect(wrong.stderr).toMatch(/refused user "ann"/)
  })

  it('runs apply, status, query and info with DIP_KSQL_USER / DIP_KSQL_PASSWORD, never printing the password', async () => {
    const outputs: string[] = []
    const apply = await dip(['ksql', 'apply', join(dir, 'migrations')], ann)
    outputs.push(apply.stdout, apply.stderr)
    expect(apply.exitCode, apply.stderr).toBe(0)
    const status = await dip(['ksql', 'status', '--json'], ann)
    outputs.push(status.stdout, status.stderr)
    expect(status.exitCode, status.stderr).toBe(0)
    expect(status.stdout).toContain('ORDERS')
    const query = await dip(
      ['ksql', 'query', 'SELECT * FROM orders EMIT CHANGES LIMIT 1;', '--earliest', '--json'],
      ann,
    )
    outputs.push(query.stdout, query.stderr)
    expect(query.exitCode, query.stderr).toBe(0)
    expect(query.stdout).toContain('9.5')
    const info = await dip(['ksql', 'info'], ann)
    outputs.push(info.stdout, info.stderr)
    expect(info.exitCode, info.stderr).toBe(0)
    const config = await dip(['config', '--json'], ann)
    outputs.push(config.stdout, config.stderr)
    expect(config.stdout).toContain('"password": "****"')
    expect(outputs.join('\n')).not.toContain(PASSWORD)
  })

  it('refuses to start a server on a non-loopback address without authentication (exit 2)', async () => {
    const open = join(dir, 'open.yaml')
    await writeFile(open, stringify({ ksql: { url }, stateDir: join(dir, 'state') }))
    const result = await runDip([
      '--config',
      open,
      'ksql',
      'server',
      '--in-memory',
      '--host',
      '0.0.0.0',
      '--port',
      '1',
    ])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toMatch(/will not listen on 0\.0\.0\.0 without authentication/)
    expect(result.stderr).toContain('ksql.authentication.method')
  })
})
