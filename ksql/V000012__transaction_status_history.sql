-- Exercise 12: how each transaction's status evolves (meaningful when the producer emits
-- lifecycle updates for the same transaction_id).
SET 'auto.offset.reset'='earliest';

CREATE TABLE transaction_status_history AS
  SELECT transaction_id,
         LATEST_BY_OFFSET(status) AS current_status,
         COLLECT_LIST(status) AS status_history,
         COUNT(*) AS update_count,
         LATEST_BY_OFFSET(event_time) AS last_update_time
  FROM transactions_flat
  GROUP BY transaction_id
  EMIT CHANGES;

-- A source TABLE with a PRIMARY KEY needs keyed records: re-key the events by transaction_id first
-- (the raw topic has no key), then declare a read-only SOURCE TABLE over that topic: the latest event per
-- id wins, and the table is materialized, so pull queries (SELECT * FROM transaction_latest;) work.
CREATE STREAM transactions_by_id AS
  SELECT *
  FROM transactions_flat
  PARTITION BY transaction_id
  EMIT CHANGES;

CREATE SOURCE TABLE transaction_latest (
  transaction_id VARCHAR PRIMARY KEY,
  status VARCHAR,
  amount DOUBLE,
  event_time VARCHAR
) WITH (KAFKA_TOPIC='TRANSACTIONS_BY_ID', VALUE_FORMAT='JSON');
