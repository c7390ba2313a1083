import { parseDocument } from 'yaml'
import type { DipConfig } from '../../config/config-schema.ts'
import { DipError } from '../../shared/errors.ts'

/** Everything the compose template needs, taken from dip's config. */
export interface ComposeSettings {
  /** Compose project name, also the container name prefix. */
  readonly project: string
  readonly cpVersion: string
  readonly mysqlVersion: string
  readonly kafkaPort: number
  /** Host name dip (on the host) uses to reach the broker: the one in kafka.brokers. */
  readonly kafkaAdvertisedHost: string
  readonly ksqlPort: number
  readonly controlCenterPort: number
  readonly mysqlPort: number
  readonly mysqlDatabase: string
  readonly mysqlUser: string
  readonly mysqlPassword: string
  /** KRaft cluster id: 22 characters of base64url (a fixed one keeps re-renders identical). */
  readonly clusterId: string
}

export const COMPOSE_PROJECT = 'dip'
/** The last Confluent Platform line that ships ksqlDB and the classic Control Center images. */
export const CP_VERSION = '7.9.0'
export const MYSQL_VERSION = '8.0'
const CLUSTER_ID = 'ZGlwLWxhYi1jbHVzdGVyMQ'

export function composeSettings(config: DipConfig): ComposeSettings {
  const broker = config.kafka.brokers[0] ?? 'localhost:9092'
  const at = broker.lastIndexOf(':')
  const ksql = new URL(config.ksql.url)
  return {
    project: COMPOSE_PROJECT,
    cpVersion: CP_VERSION,
    mysqlVersion: MYSQL_VERSION,
    kafkaPort: Number(broker.slice(at + 1)),
    kafkaAdvertisedHost: broker.slice(0, at),
    ksqlPort: Number(ksql.port === '' ? (ksql.protocol === 'https:' ? 443 : 80) : ksql.port),
    controlCenterPort: 9021,
    mysqlPort: config.mysql.port,
    mysqlDatabase: config.mysql.database,
    mysqlUser: config.mysql.user,
    mysqlPassword: config.mysql.password,
    clusterId: CLUSTER_ID,
  }
}

export interface RenderedCompose {
  /** docker-compose.yml: no secret in it. */
  readonly compose: string
  /** The .env file compose reads for ${...} interpolation: holds the passwords. */
  readonly env: string
}

/**
 * Fills the template's {{NAME}} placeholders. The MySQL password never enters the compose text:
 * it goes to the .env file. A non-root mysql.user is created by the image (MYSQL_USER), with
 * the same password, owning mysql.database.
 */
export function renderCompose(template: string, settings: ComposeSettings): RenderedCompose {
  const values: Record<string, string> = {
    PROJECT: settings.project,
    CP_VERSION: settings.cpVersion,
    MYSQL_VERSION: settings.mysqlVersion,
    KAFKA_PORT: String(settings.kafkaPort),
    KAFKA_ADVERTISED_HOST: settings.kafkaAdvertisedHost,
    KSQL_PORT: String(settings.ksqlPort),
    CONTROL_CENTER_PORT: String(settings.controlCenterPort),
    MYSQL_PORT: String(settings.mysqlPort),
    MYSQL_DATABASE: settings.mysqlDatabase,
    CLUSTER_ID: settings.clusterId,
  }
  const unknown = new Set<string>()
  const filled = template.replace(/\{\{\s*([A-Z_]+)\s*\}\}/g, (_match, name: string) => {
    const value = values[name]
    if (value === undefined) unknown.add(name)
    return value ?? ''
  })
  if (unknown.size > 0)
    throw new DipError(
      'DIP_INTERNAL',
      `docker-compose template: unknown placeholder ${[...unknown].join(', ')}`,
    )

  const document = parseDocument(filled)
  if (document.errors.length > 0)
    throw new DipError(
      'DIP_INTERNAL',
      `docker-compose template is not valid YAML: ${document.errors[0]?.message}`,
    )
  const env: Record<string, string> = { MYSQL_ROOT_PASSWORD: settings.mysqlPassword }
  if (settings.mysqlUser !== 'root') {
    document.setIn(['services', 'mysql', 'environment', 'MYSQL_USER'], settings.mysqlUser)
    document.setIn(
      ['services', 'mysql', 'environment', 'MYSQL_PASSWORD'],
      '${MYSQL_PASSWORD:?set in .env by dip}',
    )
    env['MYSQL_PASSWORD'] = settings.mysqlPassword
  }
  return {
    compose: document.toString({ lineWidth: 0 }),
    env: Object.entries(env)
      .map(([name, value]) => `${name}=${quoteEnvValue(value)}`)
      .join('\n')
      .concat('\n'),
  }
}

/**
 * Compose's .env syntax: single quotes are literal; inside double quotes backslash escapes work
 * and `$` would interpolate, so it is doubled.
 */
export function quoteEnvValue(value: string): string {
  if (!value.includes("'") && !value.includes('\n')) return `'${value}'`
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$').replace(/\n/g, '\\n')}"`
}
