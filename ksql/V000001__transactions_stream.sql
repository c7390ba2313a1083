-- Exercise 1: a minimal stream over the raw topic (three of its fields).
-- Read the topic from its beginning: the events are usually produced before these statements run.
SET 'auto.offset.reset'='earliest';

CREATE STREAM transactions_basic (
  transaction_id VARCHAR,
  amount DOUBLE,
  transaction_type VARCHAR
) WITH (KAFKA_TOPIC='transaction_log', VALUE_FORMAT='JSON');
