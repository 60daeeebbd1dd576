#!/usr/bin/env node
// `npm run screenshots`: regenerates docs/screenshots/ (main screens at phone and desktop
// widths, from the demo network) with Debian's Chromium. The work is in e2e/screenshots.ts.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const r = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'e2e', 'screenshots.ts')], { cwd: repo, stdio: 'inherit' })
process.exit(r.status ?? 1)
