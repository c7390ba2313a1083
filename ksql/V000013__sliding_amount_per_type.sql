-- Exercise 13: 5-minute sliding total per type, recomputed every minute (windows on the Kafka record time).
SET 'auto.offset.reset'='earliest';

CREATE TABLE sliding_amount_per_type AS
  SELECT transaction_type,
         SUM(amount) AS total_amount_5min,
         COUNT(*) AS transaction_count_5min,
         WINDOWSTART AS window_start,
         WINDOWEND AS window_end
  FROM transactions_basic
  WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE)
  GROUP BY transaction_type
  EMIT CHANGES;
