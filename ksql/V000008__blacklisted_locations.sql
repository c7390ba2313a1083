-- Exercise 8: transactions from blacklisted (city, country) pairs, and all the others.
SET 'auto.offset.reset'='earliest';

CREATE STREAM transactions_blacklisted AS
  SELECT *
  FROM transactions_flat
  WHERE (city = 'Paris' AND country = 'France')
     OR (city = 'Tokyo' AND country = 'Japan')
     OR (city = 'Chicago' AND country = 'USA')
  EMIT CHANGES;

CREATE STREAM transactions_allowed AS
  SELECT *
  FROM transactions_flat
  WHERE NOT ((city = 'Paris' AND country = 'France')
          OR (city = 'Tokyo' AND country = 'Japan')
          OR (city = 'Chicago' AND country = 'USA'))
  EMIT CHANGES;
