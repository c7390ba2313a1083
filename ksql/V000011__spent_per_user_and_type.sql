-- Exercise 11: USD spent per (user, transaction type).
-- Two grouping columns make a two-column key: the default KAFKA key format holds a single column,
-- so the table's key is JSON ({"USER_ID": ..., "TRANSACTION_TYPE": ...}).
SET 'auto.offset.reset'='earliest';

CREATE TABLE spent_per_user_and_type WITH (KEY_FORMAT='JSON') AS
  SELECT user_id,
         transaction_type,
         SUM(amount_usd) AS total_spent_usd
  FROM transactions_usd
  GROUP BY user_id, transaction_type
  EMIT CHANGES;

-- The same totals keyed by one string column built from both (an unaliased expression: KSQL_COL_0).
CREATE TABLE spent_per_user_type_key AS
  SELECT CONCAT(user_id, '-', transaction_type),
         SUM(amount_usd) AS total_spent_usd
  FROM transactions_usd
  GROUP BY CONCAT(user_id, '-', transaction_type)
  EMIT CHANGES;
