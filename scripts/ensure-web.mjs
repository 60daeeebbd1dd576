#!/usr/bin/env node
// Builds the web app (web/ → web/dist) when the build is missing or older than its sources, so
// `npm start` always serves the current app. Builds into a temporary folder and swaps it in, so a
// running server (or a parallel run of this script) never sees a half-written dist.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const web = join(repo, 'web')
const dist = join(web, 'dist')
const stamp = join(dist, 'index.html')

function newest(path) {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let max = st.mtimeMs
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)))
  return max
}

const sources = [
  join(web, 'src'),
  join(web, 'public'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(repo, 'package-lock.json'),
]
const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0
const changedAt = Math.max(...sources.map(newest))
const force = process.argv.includes('--force')

if (!force && builtAt > changedAt) {
  if (!process.argv.includes('--quiet')) console.log('web app is up to date (web/dist)')
  process.exit(0)
}

console.log(builtAt ? 'web sources changed: rebuilding web/dist' : 'web app not built yet: building web/dist')
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
const old = join(web, `.dist-old-${process.pid}`)
if (existsSync(dist)) renameSync(dist, old)
renameSync(tmp, dist)
rmSync(old, { recursive: true, force: true })
console.log('web app built into web/dist')
