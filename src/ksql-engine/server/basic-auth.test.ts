import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  assertBindAllowed,
  createBasicAuth,
  deobfuscate,
  MALFORMED_BODY,
  parseCredentialsFile,
  parsePasswordFile,
  UNAUTHORIZED_BODY,
} from './basic-auth.ts'

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

const PASSWORDS = [
  '# users of the lab',
  'fred: OBF:1w8t1tvf1w261w8v1w1c1tvn1w8x,user,admin',
  `harry: MD5:${createHash('md5').update('changeme').digest('hex')},user,developer`,
  'tom = s3cret:with:colons',
  '! another comment',
  '',
].join('\n')

describe('parsePasswordFile (Jetty property file, as ksqlDB reads it)', () => {
  it('reads plain, MD5: and OBF: passwords and ignores roles and comments', () => {
    const auth = createBasicAuth(parsePasswordFile(PASSWORDS, 'password-file'))
    expect(auth.check(basic('fred', 'letmein'))).toEqual({ kind: 'accepted', user: 'fred' })
    expect(auth.check(basic('harry', 'changeme'))).toEqual({ kind: 'accepted', user: 'harry' })
    expect(auth.check(basic('tom', 's3cret:with:colons'))).toEqual({ kind: 'accepted', user: 'tom' })
  })

  it('decodes Jetty OBF: values', () => {
    expect(deobfuscate('1w8t1tvf1w261w8v1w1c1tvn1w8x')).toBe('letmein')
  })

  it('names the file, the line and the fix for a bad line, CRYPT: or an empty file', () => {
    expect(() => parsePasswordFile('fred:\n', 'pw.txt')).toThrow(
      /pw\.txt line 1: user "fred" has no password/,
    )
    expect(() => parsePasswordFile('fred: CRYPT:abc\n', 'pw.txt')).toThrow(
      /CRYPT: passwords are not supported/,
    )
    expect(() => parsePasswordFile('# nobody\n', 'pw.txt')).toThrow(
      expect.objectContaining({ code: 'DIP_CONFIG', message: expect.stringContaining('lists no user') }),
    )
  })
})

describe('parseCredentialsFile with a JAAS config', () => {
  const jaas = `/* ksqlDB */\nKsqlServer-Props {\n  org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required\n  file="/etc/ksqldb/password-file"\n  debug="false";\n};\n`

  it("follows the realm's file= option to the password file", () => {
    const read = (path: string) => (path === '/etc/ksqldb/password-file' ? 'ann: pw1\n' : '')
    const users = parseCredentialsFile(jaas, 'jaas.conf', 'KsqlServer-Props', read)
    expect(createBasicAuth(users).check(basic('ann', 'pw1')).kind).toBe('accepted')
  })

  it('names a realm the JAAS file does not have', () => {
    expect(() => parseCredentialsFile(jaas, 'jaas.conf', 'Other', () => '')).toThrow(
      /jaas\.conf is a JAAS config without an entry for the realm "Other"/,
    )
  })
})

describe('createBasicAuth.check', () => {
  const auth = createBasicAuth(parsePasswordFile('ann: pw1\n', 'pw'), 'KsqlServer-Props')
  const unauthorized = { kind: 'unauthorized', status: 401, body: UNAUTHORIZED_BODY }

  it("refuses a missing header, another scheme, a wrong password or an unknown user with ksqlDB's 401", () => {
    expect(UNAUTHORIZED_BODY).toEqual({
      '@type': 'generic_error',
      error_code: 40100,
      message: 'Unauthorized',
    })
    expect(auth.check(undefined)).toEqual(unauthorized)
    expect(auth.check('Bearer abc')).toEqual(unauthorized)
    expect(auth.check(basic('ann', 'pw2'))).toEqual(unauthorized)
    expect(auth.check(basic('ann', 'pw1 '))).toEqual(unauthorized)
    expect(auth.check(basic('bob', 'pw1'))).toEqual(unauthorized)
    expect(auth.check(basic('ann', 'pw1'))).toEqual({ kind: 'accepted', user: 'ann' })
    expect(auth.check(`basic   ${Buffer.from('ann:pw1').toString('base64')}`).kind).toBe('accepted')
  })

  it('answers a Basic header without user:password as malformed (400), like ksqlDB', () => {
    expect(auth.check(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toEqual({
      kind: 'malformed',
      status: 400,
      body: MALFORMED_BODY,
    })
  })
})

describe('assertBindAllowed', () => {
  const auth = createBasicAuth(parsePasswordFile('ann: pw1\n', 'pw'))

  it('lets a server without authentication listen on loopback only', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2'])
      expect(() => assertBindAllowed(host, null)).not.toThrow()
    for (const host of ['0.0.0.0', '::', '192.168.1.10'])
      expect(() => assertBindAllowed(host, null)).toThrow(
        expect.objectContaining({
          code: 'DIP_CONFIG',
          message: expect.stringContaining(`will not listen on ${host}`),
        }),
      )
    expect(() => assertBindAllowed('0.0.0.0', auth)).not.toThrow()
  })
})
