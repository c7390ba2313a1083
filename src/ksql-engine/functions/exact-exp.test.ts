import { describe, expect, it } from 'vitest'

import { exactExp } from './exact-exp.ts'

describe('exactExp', () => {
  it('matches the JVM on the values QTT math.json checks', () => {
    expect(exactExp(-1)).toBe(0.36787944117144233)
    expect(exactExp(-2)).toBe(0.1353352832366127)
    expect(exactExp(-3)).toBe(0.049787068367863944)
    expect(exactExp(1)).toBe(2.718281828459045)
    expect(exactExp(2)).toBe(7.38905609893065)
    expect(exactExp(3)).toBe(20.085536923187668)
    expect(exactExp(0)).toBe(1)
  })

  it('is correctly rounded where V8 is not', () => {
    // e^0.013708327599460097 = 1.01380271753848860706…, nearer to …887 than to …885.
    expect(exactExp(0.013708327599460097)).toBe(1.0138027175384887)
  })

  it('keeps the special cases of Math.exp', () => {
    expect(exactExp(1000)).toBe(Infinity)
    expect(exactExp(-1000)).toBe(0)
    expect(exactExp(Number.NaN)).toBeNaN()
  })
})
