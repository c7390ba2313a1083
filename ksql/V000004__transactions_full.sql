-- Exercise 4: the full event schema, nested objects as STRUCTs.
-- The event field is literally named "timestamp"; JSON fields match columns case-insensitively.
CREATE STREAM transactions_full (
  transaction_id VARCHAR,
  `timestamp` VARCHAR,
  user_id VARCHAR,
  user_name VARCHAR,
  product_id VARCHAR,
  amount DOUBLE,
  currency VARCHAR,
  transaction_type VARCHAR,
  status VARCHAR,
  location STRUCT<city VARCHAR, country VARCHAR>,
  payment_method VARCHAR,
  product_category VARCHAR,
  quantity INT,
  shipping_address STRUCT<street VARCHAR, zip VARCHAR, city VARCHAR, country VARCHAR>,
  device_info STRUCT<os VARCHAR, browser VARCHAR, ip_address VARCHAR>,
  customer_rating INT,
  discount_code VARCHAR,
  tax_amount DOUBLE,
  thread INT,
  message_number INT,
  timestamp_of_reception_log VARCHAR
) WITH (KAFKA_TOPIC='transaction_log', VALUE_FORMAT='JSON');
