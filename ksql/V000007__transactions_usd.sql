-- Exercise 7: every amount converted to USD with the lab's fixed rates.
SET 'auto.offset.reset'='earliest';

CREATE STREAM transactions_usd AS
  SELECT *,
         CASE
           WHEN currency = 'EUR' THEN amount * 1.08
           WHEN currency = 'GBP' THEN amount * 1.24
           WHEN currency = 'CAD' THEN amount * 0.75
           WHEN currency = 'JPY' THEN amount * 0.007
           WHEN currency = 'AUD' THEN amount * 0.66
           ELSE amount
         END AS amount_usd
  FROM transactions_flat
  EMIT CHANGES;
