#!/usr/bin/env node
// Builds the web app (web/ → web/dist) when the build is missing or was made from other sources, so
// `npm start` always serves the current app. Staleness is judged by content (scripts/web-sources.mjs),
// not by modification times. Builds into a temporary folder and swaps it in, so a running server (or a
// parallel run of this script) never sees a half-written dist.
import { spawnSync } from 'node:child_process'
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { builtSourcesHash, HASH_FILE, webSourcesHash } from './web-sources.mjs'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const web = join(repo, 'web')
const dist = join(web, 'dist')

const built = builtSourcesHash(dist)
const current = webSourcesHash(repo)
const force = process.argv.includes('--force')

if (!force && built === current) {
  if (!process.argv.includes('--quiet')) console.log('web app is up to date (web/dist)')
  process.exit(0)
}

console.log(existsSync(join(dist, 'index.html')) ? 'web sources changed: rebuilding web/dist' : 'web app not built yet: building web/dist')
const tmp = join(web, `.dist-${process.pid}`)
const vite = join(repo, 'node_modules', 'vite', 'bin', 'vite.js')
const r = spawnSync(process.execPath, [vite, 'build', '--config', join(web, 'vite.config.ts'), '--outDir', tmp, '--logLevel', 'warn'], {
  stdio: 'inherit',
  cwd: repo,
  // Always the production build of React, also when run from a test runner (NODE_ENV=test).
  env: { ...process.env, NODE_ENV: 'production' },
})
if (r.status !== 0) {
  rmSync(tmp, { recursive: true, force: true })
  console.error('web build failed')
  process.exit(r.status ?? 1)
}
// The hash of the sources read before the build: a source edited during the build makes the next run rebuild.
writeFileSync(join(tmp, HASH_FILE), `${current}\n`)
const old = join(web, `.dist-old-${process.pid}`)
if (existsSync(dist)) renameSync(dist, old)
renameSync(tmp, dist)
rmSync(old, { recursive: true, force: true })
console.log('web app built into web/dist')
