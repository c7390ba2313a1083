-- Exercise 3: total amount per transaction type.
SET 'auto.offset.reset'='earliest';

CREATE TABLE amount_per_type AS
  SELECT transaction_type,
         SUM(amount) AS total_amount
  FROM transactions_basic
  GROUP BY transaction_type;
