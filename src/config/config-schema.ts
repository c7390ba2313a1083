import { z } from 'zod'
import { BATCH_RUNNERS } from '../beam/runner-choice.ts'

/**
 * One schema for the config file and the DIP_* environment. Every key has a default, so dip runs
 * with no config file at all; `dip.config.yaml` at the project root documents them.
 */
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port, e.g. localhost:9092')
const port = z.number().int().min(1).max(65535)

/**
 * Kafka's own rule for topic names. A feed's topic also names folders of the lake, so this is what
 * keeps `../evil` or `a/b` from reaching a path.
 */
export const topicName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name: letters, digits, ".", "_", "-" (at most 249)')
  .refine((name) => name !== '.' && name !== '..', 'a Kafka topic name, not "." or ".."')

export const feedSchema = z.strictObject({
  topic: topicName,
  kind: z.enum(['stream', 'table']),
  enabled: z.boolean().default(true),
  /** MySQL table for a table feed (default: the topic lower-cased). */
  warehouseTable: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/, 'a MySQL table name: letters, digits and _ (at most 64)')
    .optional(),
  /** Column renames for the warehouse, e.g. { WINDOWSTART: window_start_time }. */
  columns: z.record(z.string(), z.string()).optional(),
  /** ksqlDB columns the warehouse leaves out, e.g. a WINDOW_START value column already in the key. */
  ignoreColumns: z.array(z.string().min(1)).optional(),
})

export const configSchema = z.strictObject({
  stack: z
    .strictObject({
      /** auto: Docker when an engine answers, native otherwise. */
      mode: z.enum(['auto', 'native', 'docker']).default('auto'),
      /** Seconds to wait for a service to become healthy. */
      startTimeoutSeconds: z.number().int().min(1).default(120),
      /** Seconds between SIGTERM and SIGKILL on `dip down`. */
      stopTimeoutSeconds: z.number().int().min(1).default(30),
    })
    .prefault({}),
  kafka: z
    .strictObject({
      brokers: z.array(hostPort).min(1).default(['localhost:9092']),
      /** The KRaft controller listener of the native broker. */
      controllerPort: port.default(9093),
      clientId: z.string().min(1).default('dip'),
      /** Apache Kafka release the native stack provisions from Maven Central. */
      version: z
        .string()
        .regex(/^\d+\.\d+\.\d+$/, 'a release such as 4.3.1')
        .default('4.3.1'),
    })
    .prefault({}),
  ksql: z
    .strictObject({
      url: z.url().default('http://localhost:8088'),
      /** Credentials every dip client sends (HTTP Basic) when set; the password is never printed. */
      user: z.string().default(''),
      password: z.string().default(''),
      /** The REST server's authentication, with ksqlDB's names (`authentication.method` …). */
      authentication: z
        .strictObject({
          method: z.enum(['NONE', 'BASIC']).default('NONE'),
          realm: z.string().min(1).default('KsqlServer-Props'),
          /** A password file (`user: password[,role…]`) or a JAAS config naming one for the realm. */
          credentialsFile: z.string().default(''),
        })
        .prefault({}),
    })
    .prefault({}),
  mysql: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: port.default(3306),
      user: z.string().min(1).default('root'),
      password: z.string().default('admin123'),
      database: z
        .string()
        .regex(/^[A-Za-z0-9_]{1,64}$/, 'letters, digits and _ (at most 64)')
        .default('tp3'),
      /**
       * The server the native stack runs: bundled (MariaDB from Maven Central, fetched once into
       * dip's cache), system (an installed mariadbd/mysqld), or the path of a mariadbd/mysqld binary.
       */
      server: z.string().min(1).default('bundled'),
    })
    .prefault({}),
  lake: z
    .strictObject({
      root: z.string().min(1).default('data_lake'),
      format: z.enum(['jsonl', 'parquet']).default('jsonl'),
      /** Time zone of the year=/month=/day= partitions. */
      timeZone: z.string().min(1).default('UTC'),
    })
    .prefault({}),
  beam: z
    .strictObject({
      /**
       * Where the batch jobs run when no --runner is given (`dip consume … --batch`,
       * `dip orchestrate`, the batch steps of `dip lab`): Beam's direct runner, Flink, or dip's
       * own bounded loop without Beam.
       */
      runner: z.enum(BATCH_RUNNERS).default('direct'),
      /**
       * Where `--runner flink` runs the batch pipelines: [local] (an embedded Flink inside Beam's
       * Flink job server) or host:port of a Flink cluster's REST endpoint (its JobManager).
       */
      flinkMaster: z
        .string()
        .regex(
          /^(\[local\]|[^\s:/]+:\d{1,5})$/,
          '[local] or host:port of a Flink JobManager, e.g. flink-jm:8081',
        )
        .default('[local]'),
    })
    .prefault({}),
  /** Pid files, logs, data dirs of the native stack, sink checkpoints. */
  stateDir: z.string().min(1).default('.dip'),
  /** Topics sunk in addition to what the ksqlDB server reports. */
  feeds: z.array(feedSchema).default([]),
})

export type DipConfig = z.infer<typeof configSchema>
export type FeedConfig = z.infer<typeof feedSchema>
export type StackMode = DipConfig['stack']['mode']
