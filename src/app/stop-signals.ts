/**
 * Routes SIGINT / SIGTERM to `stop` while a long-running command works, so it can flush and exit 0;
 * a second Ctrl-C falls back to Node's default (immediate exit). Returns the unregister function.
 */
export function onStopSignals(stop: () => void): () => void {
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      release()
      process.kill(process.pid, signal)
      return
    }
    stopping = true
    stop()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  function release() {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
  return release
}
