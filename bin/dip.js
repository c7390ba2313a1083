#!/usr/bin/env node
// Launcher only: the CLI lives in dist/cli/main.js (built by `npm run build`, run by `npm ci`).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const main = new URL('../dist/cli/main.js', import.meta.url)
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('dip: dist/ is missing. Run `npm run build` (or `npm ci`) in the dip folder first.\n')
  process.exit(1)
}
await import(main.href)
