import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { configSchema } from '../../config/config-schema.ts'
import { composeSettings, quoteEnvValue, renderCompose, type ComposeSettings } from './render-compose.ts'

const template = readFileSync(new URL('../../../templates/docker-compose.yml', import.meta.url), 'utf8')

interface ComposeService {
  image: string
  ports?: string[]
  environment: Record<string, string | number>
  healthcheck?: { test: string[] }
  profiles?: string[]
  depends_on?: Record<string, { condition: string }>
}
interface ComposeFile {
  name: string
  services: Record<string, ComposeService>
  volumes: Record<string, unknown>
}

function settingsFor(overrides: Record<string, unknown>): ComposeSettings {
  return composeSettings(configSchema.parse(overrides))
}

function render(overrides: Record<string, unknown> = {}) {
  const rendered = renderCompose(template, settingsFor(overrides))
  return { ...rendered, file: parse(rendered.compose) as ComposeFile }
}

const service = (file: ComposeFile, name: string): ComposeService => {
  const found = file.services[name]
  if (found === undefined) throw new Error(`no service ${name}`)
  return found
}

describe('renderCompose with the default config', () => {
  const { file, compose, env } = render()

  it('declares the lab’s services: Kafka, ksqlDB, Control Center, MySQL', () => {
    expect(file.name).toBe('dip')
    expect(Object.keys(file.services).sort()).toEqual(['broker', 'control-center', 'ksqldb-server', 'mysql'])
    expect(service(file, 'broker').image).toBe('confluentinc/cp-kafka:7.9.0')
    expect(service(file, 'ksqldb-server').image).toBe('confluentinc/cp-ksqldb-server:7.9.0')
    expect(service(file, 'control-center').image).toBe('confluentinc/cp-enterprise-control-center:7.9.0')
    expect(service(file, 'mysql').image).toBe('mysql:8.0')
    expect(Object.keys(file.volumes).sort()).toEqual(['kafka-data', 'mysql-data'])
  })

  it('runs Kafka in KRaft mode, advertising the host address dip uses', () => {
    const broker = service(file, 'broker').environment
    expect(broker['KAFKA_PROCESS_ROLES']).toBe('broker,controller')
    expect(broker['KAFKA_CONTROLLER_QUORUM_VOTERS']).toBe('1@broker:29093')
    expect(broker['CLUSTER_ID']).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(broker['KAFKA_ADVERTISED_LISTENERS']).toBe(
      'PLAINTEXT://broker:29092,PLAINTEXT_HOST://localhost:9092',
    )
    expect(broker['KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR']).toBe(1)
    expect(JSON.stringify(file)).not.toContain('ZOOKEEPER')
  })

  it('publishes the configured ports', () => {
    expect(service(file, 'broker').ports).toEqual(['9092:9092'])
    expect(service(file, 'ksqldb-server').ports).toEqual(['8088:8088'])
    expect(service(file, 'mysql').ports).toEqual(['3306:3306'])
    expect(service(file, 'control-center').ports).toEqual(['9021:9021'])
  })

  it('gives MySQL the lab’s defaults, with the password only in the .env file', () => {
    const mysql = service(file, 'mysql').environment
    expect(mysql['MYSQL_DATABASE']).toBe('tp3')
    expect(mysql['MYSQL_ROOT_PASSWORD']).toBe('${MYSQL_ROOT_PASSWORD:?set in .env by dip}')
    expect(mysql['MYSQL_USER']).toBeUndefined()
    expect(compose).not.toContain('admin123')
    expect(env).toBe("MYSQL_ROOT_PASSWORD='admin123'\n")
  })

  it('points ksqlDB at the broker and reads topics from the earliest offset', () => {
    const ksql = service(file, 'ksqldb-server')
    expect(ksql.environment['KSQL_BOOTSTRAP_SERVERS']).toBe('broker:29092')
    expect(ksql.environment['KSQL_KSQL_STREAMS_AUTO_OFFSET_RESET']).toBe('earliest')
    expect(ksql.depends_on).toEqual({ broker: { condition: 'service_healthy' } })
  })

  it('gives every service a healthcheck', () => {
    expect(service(file, 'broker').healthcheck?.test.join(' ')).toContain(
      'kafka-topics --bootstrap-server broker:29092',
    )
    expect(service(file, 'ksqldb-server').healthcheck?.test.join(' ')).toContain('http://localhost:8088/info')
    expect(service(file, 'mysql').healthcheck?.test.join(' ')).toContain('mysqladmin ping')
    expect(service(file, 'control-center').healthcheck?.test.join(' ')).toContain('http://localhost:9021/')
  })

  it('puts Control Center behind the control-center profile, and nothing else', () => {
    expect(service(file, 'control-center').profiles).toEqual(['control-center'])
    for (const name of ['broker', 'ksqldb-server', 'mysql'])
      expect(service(file, name).profiles).toBeUndefined()
  })

  it('leaves no placeholder behind', () => {
    expect(compose).not.toMatch(/\{\{/)
  })
})

describe('renderCompose with custom settings', () => {
  it('renders the configured ports, host, database and a non-root user', () => {
    const { file, compose, env } = render({
      kafka: { brokers: ['kafka.example:19092'] },
      ksql: { url: 'http://localhost:18088' },
      mysql: { port: 13306, database: 'warehouse', user: 'lab', password: "it's$Xq9pw" },
    })
    expect(service(file, 'broker').ports).toEqual(['19092:9092'])
    expect(service(file, 'broker').environment['KAFKA_ADVERTISED_LISTENERS']).toBe(
      'PLAINTEXT://broker:29092,PLAINTEXT_HOST://kafka.example:19092',
    )
    expect(service(file, 'ksqldb-server').ports).toEqual(['18088:8088'])
    expect(service(file, 'control-center').environment['CONTROL_CENTER_KSQL_KSQLDB1_ADVERTISED_URL']).toBe(
      'http://localhost:18088',
    )
    const mysql = service(file, 'mysql')
    expect(mysql.ports).toEqual(['13306:3306'])
    expect(mysql.environment).toMatchObject({
      MYSQL_DATABASE: 'warehouse',
      MYSQL_USER: 'lab',
      MYSQL_PASSWORD: '${MYSQL_PASSWORD:?set in .env by dip}',
    })
    expect(compose).not.toContain('Xq9pw')
    expect(env).toBe('MYSQL_ROOT_PASSWORD="it\'s$$Xq9pw"\nMYSQL_PASSWORD="it\'s$$Xq9pw"\n')
  })

  it('rejects a template with an unknown placeholder', () => {
    expect(() => renderCompose('image: {{NOPE}}', settingsFor({}))).toThrow('unknown placeholder NOPE')
  })
})

describe('quoteEnvValue', () => {
  it('single-quotes plain values and double-quotes values holding a quote', () => {
    expect(quoteEnvValue('a$b"c')).toBe(`'a$b"c'`)
    expect(quoteEnvValue(`a'b\\c`)).toBe(`"a'b\\\\c"`)
  })
})
