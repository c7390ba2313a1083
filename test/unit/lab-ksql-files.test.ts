/** The lab's statement files follow ksql-migrations naming and cover every exercise feature of lab.md §2. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const KSQL_DIR = join(import.meta.dirname, '..', '..', 'ksql')
const files = readdirSync(KSQL_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort()
const all = files.map((f) => readFileSync(join(KSQL_DIR, f), 'utf8')).join('\n')

describe('ksql/ lab statements', () => {
  it('are named V<6 digits>__<desc>.sql with consecutive versions from 1', () => {
    expect(files.length).toBeGreaterThanOrEqual(13)
    files.forEach((f, i) => {
      const m = /^V(\d{6})__(.+)\.sql$/.exec(f)
      expect(m, f).not.toBeNull()
      expect(Number(m![1])).toBe(i + 1)
    })
  })

  it('use the features each exercise needs', () => {
    const needed: readonly [string, RegExp][] = [
      [
        '#1 stream over transaction_log',
        /CREATE STREAM \w+ \([^)]*\) WITH \(KAFKA_TOPIC='transaction_log', VALUE_FORMAT='JSON'\)/,
      ],
      ['#2 filter above 700', /WHERE amount > 700/],
      ['#2 COUNT and AVG', /COUNT\(\*\)[\s\S]*AVG\(amount\)/],
      [
        '#3 SUM per type',
        /SUM\(amount\) AS total_amount\s+FROM transactions_basic\s+GROUP BY transaction_type/,
      ],
      ['#4 STRUCT columns', /location STRUCT<city VARCHAR, country VARCHAR>/],
      ['#4 column named timestamp', /`timestamp` VARCHAR/],
      ['#5 flatten', /device_info->ip_address AS device_ip/],
      [
        '#6 masking',
        /MASK\(user_name\)[\s\S]*MASK_LEFT\([\s\S]*MASK_RIGHT\([\s\S]*MD5\([\s\S]*CONCAT\(SUBSTRING\(/,
      ],
      ['#7 CASE conversion', /SELECT \*,\s+CASE\s+WHEN currency = 'EUR' THEN amount \* 1\.08/],
      ['#8 NOT and parentheses', /WHERE NOT \(\(city = 'Paris' AND country = 'France'\)/],
      ['#10 SUM/COUNT per payment method', /GROUP BY payment_method/],
      ['#11 two-column key in JSON', /WITH \(KEY_FORMAT='JSON'\)[\s\S]*GROUP BY user_id, transaction_type/],
      [
        '#12 status history',
        /LATEST_BY_OFFSET\(status\)[\s\S]*COLLECT_LIST\(status\)[\s\S]*GROUP BY transaction_id/,
      ],
      ['#12 table with PRIMARY KEY', /transaction_id VARCHAR PRIMARY KEY/],
      ['#13 hopping window', /WINDOW HOPPING \(SIZE 5 MINUTES, ADVANCE BY 1 MINUTE\)/],
      ['#13 window bounds', /WINDOWSTART AS window_start,\s+WINDOWEND AS window_end/],
    ]
    for (const [what, re] of needed) expect(all, what).toMatch(re)
    for (const status of ['completed', 'pending', 'failed', 'processing', 'cancelled']) {
      expect(all, `#9 ${status}`).toContain(`WHERE status = '${status}'`)
    }
  })

  it('read from the beginning of the topics in every file that starts a query', () => {
    for (const f of files) {
      const text = readFileSync(join(KSQL_DIR, f), 'utf8')
      if (/\bAS\s+SELECT\b/i.test(text)) expect(text, f).toContain("SET 'auto.offset.reset'='earliest';")
    }
  })
})
