import type { ProcessingLogEntry } from '../engine-api.ts'

/** ksqlDB's processing-log settings (ksql.logging.processing.*), from the server's properties. */
export interface ProcessingLogSettings {
  /** Entries are written to `topic` (ksqlDB: a Kafka appender on the processing logger). */
  readonly topicAutoCreate: boolean
  readonly topic: string
  readonly partitions: number
  /** The KSQL_PROCESSING_LOG stream over `topic` exists from the start. */
  readonly streamAutoCreate: boolean
  readonly streamName: string
  /** The failing record's bytes go into the entry (recordB64); off by default: they may be sensitive. */
  readonly rowsInclude: boolean
}

export function processingLogSettings(
  property: (name: string) => string | undefined,
  serviceId: string,
): ProcessingLogSettings {
  const streamAutoCreate = property('ksql.logging.processing.stream.auto.create') === 'true'
  return {
    // The stream reads the topic: asking for the stream implies the topic.
    topicAutoCreate: streamAutoCreate || property('ksql.logging.processing.topic.auto.create') === 'true',
    topic: property('ksql.logging.processing.topic.name') ?? `${serviceId}ksql_processing_log`,
    partitions: Number(property('ksql.logging.processing.topic.partitions') ?? '1') || 1,
    streamAutoCreate,
    streamName: property('ksql.logging.processing.stream.name') ?? 'KSQL_PROCESSING_LOG',
    rowsInclude: property('ksql.logging.processing.rows.include') === 'true',
  }
}

/** ksqlDB's processing-log stream (ProcessingLogMessageSchema as SQL), over the log's topic. */
export function processingLogStreamStatement(settings: ProcessingLogSettings): string {
  const cause = 'CAUSE ARRAY<STRING>'
  return (
    `CREATE STREAM ${settings.streamName} (LOGGER STRING, LEVEL STRING, TIME BIGINT, MESSAGE STRUCT<` +
    'TYPE INTEGER, ' +
    `DESERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORDB64 STRING, ${cause}, \`topic\` STRING>, ` +
    `RECORDPROCESSINGERROR STRUCT<ERRORMESSAGE STRING, RECORD STRING, ${cause}>, ` +
    'PRODUCTIONERROR STRUCT<ERRORMESSAGE STRING>, ' +
    `SERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORD STRING, ${cause}, \`topic\` STRING>, ` +
    `KAFKASTREAMSTHREADERROR STRUCT<ERRORMESSAGE STRING, THREADNAME STRING, ${cause}>>) ` +
    `WITH (KAFKA_TOPIC='${settings.topic}', VALUE_FORMAT='JSON');`
  )
}

/** ksqlDB's message types (ProcessingLogMessageSchema.MessageType). */
const DESERIALIZATION_ERROR = 0
const RECORD_PROCESSING_ERROR = 1

/**
 * One entry as ksqlDB's processing logger writes it to Kafka: level, hierarchical logger name
 * (`processing.<query id>.<step>`), time, and the structured message with one error field set.
 */
export function processingLogRecordValue(
  entry: ProcessingLogEntry,
  time: number,
  rowsInclude: boolean,
): string {
  const cause = [entry.message]
  const message =
    entry.kind === 'deserialization'
      ? {
          type: DESERIALIZATION_ERROR,
          deserializationError: {
            target: entry.target ?? 'value',
            errorMessage: `Failed to deserialize ${entry.target ?? 'value'} from topic: ${entry.topic}. ${entry.message}`,
            recordB64: rowsInclude && entry.record != null ? entry.record.toString('base64') : null,
            cause,
            topic: entry.topic,
          },
          recordProcessingError: null,
          productionError: null,
          serializationError: null,
          kafkaStreamsThreadError: null,
        }
      : {
          type: RECORD_PROCESSING_ERROR,
          deserializationError: null,
          recordProcessingError: { errorMessage: entry.message, record: null, cause },
          productionError: null,
          serializationError: null,
          kafkaStreamsThreadError: null,
        }
  const step = entry.kind === 'deserialization' ? 'KsqlTopic.Source.deserializer' : 'Processing'
  return JSON.stringify({ level: 'ERROR', logger: `processing.${entry.queryId}.${step}`, time, message })
}
