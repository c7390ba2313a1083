import { describe, expect, it } from 'vitest'
import { classifyMysqlError } from './classify-mysql-error.ts'

describe('classifyMysqlError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'connection'],
    [{ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, 'connection'],
    [{ code: 'ER_SERVER_SHUTDOWN', errno: 1053 }, 'connection'],
    [{ errno: 1927 }, 'connection'],
    [{ code: 'ER_LOCK_DEADLOCK', errno: 1213 }, 'connection'],
    [{ code: 'ER_WARN_DATA_OUT_OF_RANGE', errno: 1264 }, 'data'],
    [{ code: 'ER_DATA_TOO_LONG', errno: 1406 }, 'data'],
    [{ errno: 4025 }, 'data'],
    [{ code: 'ER_NO_SUCH_TABLE', errno: 1146 }, 'fatal'],
    [new Error("Can't add new command when connection is in closed state"), 'connection'],
    ['boom', 'fatal'],
  ])('%j → %s', (error, expected) => {
    expect(classifyMysqlError(error)).toBe(expected)
  })
})
