-- Exercise 6: anonymise personal data: masked name, partially masked user id, hashed user id and
-- an IP address blurred to its first characters.
SET 'auto.offset.reset'='earliest';

CREATE STREAM transactions_anonymized AS
  SELECT transaction_id,
         MASK(user_name) AS masked_user_name,
         MASK_LEFT(user_id, 5) AS masked_user_id,
         MASK_RIGHT(product_id, 3) AS masked_product_id,
         MD5(user_id) AS hashed_user_id,
         CONCAT(SUBSTRING(device_ip, 1, 4), '***') AS blurred_ip,
         amount,
         currency,
         city,
         country
  FROM transactions_flat
  EMIT CHANGES;
