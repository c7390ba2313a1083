-- Exercise 9: one stream per status value.
SET 'auto.offset.reset'='earliest';

CREATE STREAM transactions_completed AS
  SELECT * FROM transactions_flat WHERE status = 'completed' EMIT CHANGES;

CREATE STREAM transactions_pending AS
  SELECT * FROM transactions_flat WHERE status = 'pending' EMIT CHANGES;

CREATE STREAM transactions_failed AS
  SELECT * FROM transactions_flat WHERE status = 'failed' EMIT CHANGES;

CREATE STREAM transactions_processing AS
  SELECT * FROM transactions_flat WHERE status = 'processing' EMIT CHANGES;

CREATE STREAM transactions_cancelled AS
  SELECT * FROM transactions_flat WHERE status = 'cancelled' EMIT CHANGES;
