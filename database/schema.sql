-- The lab's data warehouse (database tp3 by default; `dip db apply` creates it when missing).
-- Applied statement by statement; every statement is safe to re-run (IF NOT EXISTS).
-- Works on MySQL 8 and MariaDB 10.6+: no `AS alias` upserts, explicit TIMESTAMP defaults
-- (MariaDB gives the first bare TIMESTAMP column an implicit ON UPDATE otherwise).

-- Exercise 11: total spent per (user, transaction type), in USD.
CREATE TABLE IF NOT EXISTS total_depense_par_user_type (
  user_id VARCHAR(64) NOT NULL,
  transaction_type VARCHAR(32) NOT NULL,
  total_depense_usd DECIMAL(15, 2) NOT NULL DEFAULT 0,
  last_updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (user_id, transaction_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Exercise 12: the status history of each transaction.
CREATE TABLE IF NOT EXISTS transaction_lifecycle (
  transaction_id VARCHAR(64) NOT NULL,
  status_history JSON NULL,
  last_update_time TIMESTAMP NULL DEFAULT NULL,
  last_updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (transaction_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Exercise 13: 5-minute hopping total per type. The window start is part of the key (a windowed
-- ksqlDB table's key carries it); DATETIME(3) keeps milliseconds and has no implicit default.
CREATE TABLE IF NOT EXISTS total_par_type_5min_sliding (
  window_start_time DATETIME(3) NOT NULL,
  transaction_type VARCHAR(32) NOT NULL,
  window_end_time DATETIME(3) NULL,
  total_amount_5min DECIMAL(15, 2) NOT NULL DEFAULT 0,
  last_updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (window_start_time, transaction_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Exercise 10: purchases per product (top products).
CREATE TABLE IF NOT EXISTS product_purchase_counts (
  product_id VARCHAR(64) NOT NULL,
  purchase_count BIGINT NOT NULL DEFAULT 0,
  last_updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Governance: who may read or write which data-lake folder.
CREATE TABLE IF NOT EXISTS user_permissions (
  user_id VARCHAR(64) NOT NULL,
  folder_path VARCHAR(255) NOT NULL,
  permission ENUM('read', 'write', 'none') NOT NULL DEFAULT 'none',
  last_updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (user_id, folder_path)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Sink bookkeeping, identical to the tables the warehouse sink creates when missing
-- (src/warehouse/bookkeeping.ts; a unit test keeps the two in step).
-- dip_offsets: per consumer and partition, the next offset to read, written in the same
-- transaction as the rows it covers.
CREATE TABLE IF NOT EXISTS dip_offsets (
  consumer VARCHAR(191) NOT NULL,
  topic VARCHAR(249) NOT NULL,
  `partition` INT NOT NULL,
  next_offset BIGINT NOT NULL,
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (consumer, topic, `partition`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- dip_rejects: records that could not be written, with the reason.
CREATE TABLE IF NOT EXISTS dip_rejects (
  id BIGINT NOT NULL AUTO_INCREMENT,
  consumer VARCHAR(191) NOT NULL,
  topic VARCHAR(249) NOT NULL,
  `partition` INT NOT NULL,
  `offset` BIGINT NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  record_key MEDIUMBLOB NULL,
  record_value MEDIUMBLOB NULL,
  reason TEXT NOT NULL,
  rejected_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY dip_rejects_record (consumer, topic, `partition`, `offset`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
