import { runCli } from './run-cli.ts'

/** Process entry. */
const code = await runCli(process.argv)
// Let pending writes drain; long-lived handles (sockets, timers) must not keep a finished command alive.
process.exitCode = code
setTimeout(() => process.exit(code), 50).unref()
