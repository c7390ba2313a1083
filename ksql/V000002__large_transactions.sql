-- Exercise 2: transactions above 700, then their count and average amount per type.
SET 'auto.offset.reset'='earliest';

CREATE STREAM large_transactions AS
  SELECT *
  FROM transactions_basic
  WHERE amount > 700
  EMIT CHANGES;

CREATE TABLE large_transaction_stats AS
  SELECT transaction_type,
         COUNT(*) AS transaction_count,
         AVG(amount) AS average_amount
  FROM large_transactions
  GROUP BY transaction_type
  EMIT CHANGES;
