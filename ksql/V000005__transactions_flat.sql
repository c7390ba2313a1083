-- Exercise 5: flatten the nested fields into top-level columns.
SET 'auto.offset.reset'='earliest';

CREATE STREAM transactions_flat AS
  SELECT transaction_id,
         `timestamp` AS event_time,
         user_id,
         user_name,
         product_id,
         amount,
         currency,
         transaction_type,
         status,
         location->city AS city,
         location->country AS country,
         payment_method,
         product_category,
         quantity,
         shipping_address->street AS shipping_street,
         shipping_address->zip AS shipping_zip,
         device_info->os AS device_os,
         device_info->browser AS device_browser,
         device_info->ip_address AS device_ip,
         customer_rating,
         discount_code,
         tax_amount
  FROM transactions_full
  EMIT CHANGES;
