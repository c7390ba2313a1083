import { describe, expect, it } from 'vitest'
import { StatementError } from '../expression/statement-error.ts'
import { checkTopicName, topicNameProblem } from './topic-name.ts'

describe('topicNameProblem (Kafka topic name rules)', () => {
  it.each(['transaction_log', 'a.b-c_D9', 'x'.repeat(249)])('accepts %s', (name) => {
    expect(topicNameProblem(name)).toBeNull()
  })

  it.each([
    ['bad topic!', 'contains a character other than ASCII alphanumerics'],
    ['', "can't be empty"],
    ['.', 'cannot be "." or ".."'],
    ['..', 'cannot be "." or ".."'],
    ['x'.repeat(250), "can't be longer than 249 characters"],
    ['tëst', 'contains a character other than ASCII alphanumerics'],
  ])('rejects %j', (name, problem) => {
    expect(topicNameProblem(name)).toContain(problem)
  })

  it('fails the statement with the topic named and the rule to follow', () => {
    expect(() => checkTopicName('bad topic!')).toThrow(StatementError)
    expect(() => checkTopicName('bad topic!')).toThrow(
      `Failed to check if exists for topic: bad topic!\nCaused by: Topic name "bad topic!" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`,
    )
  })
})
