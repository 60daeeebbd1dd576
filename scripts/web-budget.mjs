#!/usr/bin/env node
// `npm run web:budget`: the JavaScript a browser must download before the home feed can run —
// the entry script of web/dist/index.html plus everything it imports statically (lazy screens
// such as messages, admin and the charts are not counted) — gzipped, against a 200 KB budget.
// Builds the app first when the build is stale. Exits 1 over budget.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 200
const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(repo, 'web', 'dist')

const built = spawnSync(process.execPath, [join(repo, 'scripts', 'ensure-web.mjs'), '--quiet'], { stdio: 'inherit' })
if (built.status !== 0) process.exit(built.status ?? 1)

const html = readFileSync(join(dist, 'index.html'), 'utf8')
const attr = (re) => [...html.matchAll(re)].map((m) => m[1])
const entries = [...attr(/<script[^>]+type="module"[^>]+src="\/([^"]+)"/g), ...attr(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g)]
const css = attr(/<link[^>]+rel="stylesheet"[^>]+href="\/([^"]+)"/g)

// Static imports only: `import … from "./x.js"`, `import "./x.js"`, `export … from "./x.js"`.
const STATIC = /(?:\bimport|\bexport)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g
const seen = new Set()
const queue = [...entries]
while (queue.length) {
  const file = queue.shift()
  if (seen.has(file)) continue
  seen.add(file)
  const code = readFileSync(join(dist, file), 'utf8')
  for (const m of code.matchAll(STATIC)) queue.push(join(dirname(file), m[1]))
}

const sizeOf = (file) => {
  const data = readFileSync(join(dist, file))
  return { file, raw: data.length, gz: gzipSync(data, { level: 9 }).length }
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`
const js = [...seen].map(sizeOf).sort((a, b) => b.gz - a.gz)
const styles = css.map(sizeOf)
const total = js.reduce((s, f) => s + f.gz, 0)

console.log('Initial JavaScript for the feed route (gzip -9):')
for (const f of js) console.log(`  ${f.file.padEnd(44)} ${kb(f.raw).padStart(10)} raw  ${kb(f.gz).padStart(9)} gz`)
console.log(
  `  ${'total'.padEnd(44)} ${kb(js.reduce((s, f) => s + f.raw, 0)).padStart(10)} raw  ${kb(total).padStart(9)} gz   (budget ${BUDGET_KB} KB)`,
)
for (const f of styles) console.log(`CSS: ${f.file} ${kb(f.gz)} gz`)
if (total > BUDGET_KB * 1024) {
  console.error(`Over budget by ${kb(total - BUDGET_KB * 1024)}.`)
  process.exit(1)
}
console.log(`Within budget: ${kb(total)} of ${BUDGET_KB} KB.`)
