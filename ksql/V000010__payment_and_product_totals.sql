-- Exercise 10: totals per payment method, and purchased quantity per product.
SET 'auto.offset.reset'='earliest';

CREATE TABLE totals_per_payment_method AS
  SELECT payment_method,
         SUM(amount) AS total_amount,
         COUNT(*) AS transaction_count
  FROM transactions_flat
  GROUP BY payment_method
  EMIT CHANGES;

CREATE TABLE product_purchases AS
  SELECT product_id,
         SUM(quantity) AS total_quantity,
         COUNT(*) AS purchase_count
  FROM transactions_flat
  WHERE transaction_type = 'purchase'
  GROUP BY product_id
  EMIT CHANGES;
