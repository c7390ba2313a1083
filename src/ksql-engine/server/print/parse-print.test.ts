import { describe, expect, it } from 'vitest'
import { isPrintStatement, parsePrint } from './parse-print.ts'

describe('parsePrint', () => {
  it('reads quoted and bare topic names and the optional clauses in order', () => {
    expect(parsePrint("PRINT 'transaction_log' FROM BEGINNING LIMIT 3;")).toEqual({
      topic: 'transaction_log',
      fromBeginning: true,
      interval: 1,
      limit: 3,
    })
    expect(parsePrint('print Orders interval 2;')).toEqual({
      topic: 'Orders',
      fromBeginning: false,
      interval: 2,
      limit: null,
    })
    expect(parsePrint('PRINT `my-topic` SAMPLE 5 LIMIT 1')).toMatchObject({
      topic: 'my-topic',
      interval: 5,
      limit: 1,
    })
    expect(isPrintStatement('-- c\n  print x;')).toBe(true)
    expect(isPrintStatement('SELECT 1;')).toBe(false)
  })

  it('names the bad part and shows the syntax', () => {
    expect(() => parsePrint('PRINT t LIMIT 0;')).toThrow(
      /LIMIT must be a positive whole number, got '0'.*PRINT <topic>/,
    )
    expect(() => parsePrint('PRINT t FROM END;')).toThrow(/unexpected 'FROM END'/)
    expect(() => parsePrint('PRINT ;')).toThrow(/needs a topic name/)
  })
})
