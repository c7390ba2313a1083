import { Writable } from 'node:stream'
import chalk from 'chalk'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createReporter } from './reporter.ts'

/** A terminal of a given width that records what is written, and refuses to take more than 64 KB. */
function fakeTerminal(columns: number): Writable & { isTTY: true; columns: number; text(): string } {
  let written = ''
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      written += String(chunk)
      if (written.length > 65_536) throw new Error(`runaway output: ${written.length} characters`)
      done()
    },
  })
  const write = (data: string) => stream.write(data)
  return Object.assign(stream, {
    isTTY: true as const,
    columns,
    text: () => written,
    cursorTo: (x: number) => write(`\u001B[${x + 1}G`),
    moveCursor: (_dx: number, dy: number) => write(`\u001B[${-dy}A`),
    clearLine: () => write('\u001B[2K'),
  })
}

// An SGR foreground colour code: ESC [ 3x m or ESC [ 9x m.
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[(3\\d|9\\d)m`)

describe('reporter spinner', () => {
  // ora colours with the shared chalk instance, whose level a colour terminal would set to 1 or more.
  const level = chalk.level
  beforeEach(() => void (chalk.level = 1))
  afterEach(() => void (chalk.level = level))

  it('prints plain progress lines in a 0-column terminal instead of clearing lines forever', () => {
    const stderr = fakeTerminal(0)
    const stdout = fakeTerminal(0)
    const reporter = createReporter({ stdout, stderr, env: { NO_COLOR: '1' } })
    const spinner = reporter.spinner('checking java')
    spinner.update('checking mariadbd')
    spinner.succeed('all checks passed')
    expect(stderr.text() + stdout.text()).toContain('checking java')
    expect(stdout.text()).toContain('✔ all checks passed')
    expect((stderr.text() + stdout.text()).length).toBeLessThan(200)
  })

  it('spins on a terminal with a width', () => {
    const stderr = fakeTerminal(80)
    const reporter = createReporter({ stdout: fakeTerminal(80), stderr, env: {} })
    const spinner = reporter.spinner('checking java')
    spinner.update('checking mariadbd')
    spinner.succeed()
    expect(stderr.text()).toContain('checking mariadbd')
    expect(stderr.text()).toMatch(/✔.*checking mariadbd/)
  })

  it('leaves frames and symbols uncoloured with NO_COLOR', () => {
    const stderr = fakeTerminal(80)
    const reporter = createReporter({
      stdout: fakeTerminal(80),
      stderr,
      env: { NO_COLOR: '1', FORCE_COLOR: '1' },
    })
    const spinner = reporter.spinner('checking java')
    spinner.update('checking mariadbd')
    spinner.fail('java is missing')
    expect(stderr.text()).toContain('java is missing')
    expect(stderr.text()).not.toMatch(COLOUR)
  })

  it('colours the spinner without NO_COLOR', () => {
    const stderr = fakeTerminal(80)
    const reporter = createReporter({ stdout: fakeTerminal(80), stderr, env: { FORCE_COLOR: '1' } })
    reporter.spinner('checking java').succeed('ok')
    expect(stderr.text()).toMatch(COLOUR)
  })
})

describe('reporter progress lines', () => {
  it('are plain lines without a terminal, and go above a running spinner on one', () => {
    const plain = fakeTerminal(0)
    createReporter({ stdout: plain, stderr: plain, env: {} }).progress('lake: 10 records so far')
    expect(plain.text()).toBe('lake: 10 records so far\n')

    const stderr = fakeTerminal(80)
    const reporter = createReporter({ stdout: fakeTerminal(80), stderr, env: {} })
    const spinner = reporter.spinner('streaming')
    reporter.progress('lake: 10 records so far')
    spinner.succeed('done')
    const text = stderr.text()
    expect(text).toContain('lake: 10 records so far\n')
    // The spinner is drawn again after the line, and ends with its own line.
    expect(text.indexOf('streaming', text.indexOf('lake: 10 records so far'))).toBeGreaterThan(0)
    expect(text).toMatch(/✔\S* done\n/)
  })
})
