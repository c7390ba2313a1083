import { RecordError } from '../types/record-error.ts'
import type { SqlType } from '../types/sql-type.ts'
import type { Serde, SerdeColumn } from './serde-types.ts'

/**
 * KAFKA format: Kafka's primitive serializers for a single column. INT = 4-byte big-endian,
 * BIGINT = 8-byte big-endian, DOUBLE = 8-byte IEEE-754 big-endian, STRING = UTF-8, BYTES = raw.
 * NULL ↔ null bytes. No columns (a key-less KAFKA key) reads as no values and writes null.
 */
export function createKafkaSerde(columns: readonly SerdeColumn[]): Serde {
  const column = columns[0]
  if (column === undefined)
    return { serialize: () => null, deserialize: (bytes) => (bytes === null ? null : []) }
  if (columns.length > 1) throw new Error("The 'KAFKA' format only supports a single field")
  const codec = primitiveCodec(column.type)
  return {
    serialize(values) {
      const value = values?.[0]
      return value === null || value === undefined ? null : codec.write(value)
    },
    deserialize(bytes) {
      return bytes === null ? null : [codec.read(bytes)]
    },
  }
}

interface Codec {
  write(value: unknown): Buffer
  read(bytes: Buffer): unknown
}

function sizeError(name: string, size: number): RecordError {
  return new RecordError(`Size of data received by ${name} is not ${size}`)
}

function primitiveCodec(type: SqlType): Codec {
  switch (type.kind) {
    case 'INTEGER':
      return {
        write: (v) => {
          const b = Buffer.allocUnsafe(4)
          b.writeInt32BE((v as number) | 0)
          return b
        },
        read: (b) => {
          if (b.length !== 4) throw sizeError('IntegerDeserializer', 4)
          return b.readInt32BE(0)
        },
      }
    case 'BIGINT':
      return {
        write: (v) => {
          const b = Buffer.allocUnsafe(8)
          b.writeBigInt64BE(BigInt.asIntN(64, BigInt(Math.trunc(v as number))))
          return b
        },
        read: (b) => {
          if (b.length !== 8) throw sizeError('LongDeserializer', 8)
          return Number(b.readBigInt64BE(0))
        },
      }
    case 'DOUBLE':
      return {
        write: (v) => {
          const b = Buffer.allocUnsafe(8)
          b.writeDoubleBE(v as number)
          return b
        },
        read: (b) => {
          if (b.length !== 8) throw sizeError('DoubleDeserializer', 8)
          return b.readDoubleBE(0)
        },
      }
    case 'STRING':
      return { write: (v) => Buffer.from(v as string, 'utf8'), read: (b) => b.toString('utf8') }
    case 'BYTES':
      return { write: (v) => Buffer.from(v as Buffer), read: (b) => Buffer.from(b) }
    default:
      throw new Error(`The 'KAFKA' format does not support type '${type.kind}'`)
  }
}
