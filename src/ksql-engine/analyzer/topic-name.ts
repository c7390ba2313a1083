import { StatementError } from '../expression/statement-error.ts'

/** Kafka's own limit (Topic.validate): 249 characters. */
const MAX_TOPIC_NAME_LENGTH = 249
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/

/**
 * Why Kafka would refuse `name` as a topic name (Kafka's Topic.validate wording), or null.
 * Checked before anything runs: a name the broker rejects must fail the statement, not leave a
 * query behind that writes nowhere.
 */
export function topicNameProblem(name: string): string | null {
  if (name === '') return "Topic name is illegal, it can't be empty"
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > MAX_TOPIC_NAME_LENGTH)
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`
  if (!LEGAL_TOPIC_NAME.test(name))
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
  return null
}

/** ksqlDB's wording when its topic client cannot use the name, with Kafka's reason. */
export function checkTopicName(name: string): void {
  const problem = topicNameProblem(name)
  if (problem !== null)
    throw new StatementError(`Failed to check if exists for topic: ${name}\nCaused by: ${problem}`)
}
