// scripts/ensure-web.mjs rebuilds the web app only when its sources changed by content (issue 12,
// item 21): run against a small real web app in a temporary copy of the repository layout, with
// the real Vite from node_modules.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const repo = join(import.meta.dirname, '..', '..')
let root = ''

function ensureWeb(): string {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-web.mjs')], { cwd: root, encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  return r.stdout
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hearth-ensure-web-'))
  mkdirSync(join(root, 'scripts'))
  for (const f of ['ensure-web.mjs', 'web-sources.mjs']) copyFileSync(join(repo, 'scripts', f), join(root, 'scripts', f))
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'))
  mkdirSync(join(root, 'web', 'src'), { recursive: true })
  writeFileSync(join(root, 'web', 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/src/main.ts"></script>\n')
  writeFileSync(join(root, 'web', 'src', 'main.ts'), "document.getElementById('app')!.textContent = 'one'\n")
  writeFileSync(
    join(root, 'web', 'vite.config.ts'),
    "import { fileURLToPath } from 'node:url'\nexport default { root: fileURLToPath(new URL('.', import.meta.url)), logLevel: 'warn' }\n",
  )
  writeFileSync(join(root, 'package-lock.json'), '{ "lockfileVersion": 3, "packages": {} }\n')
})

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true })
})

describe('ensure-web', () => {
  it('builds once, then judges staleness by the content of sources and lockfile, not by their modification times', () => {
    expect(ensureWeb()).toContain('web app not built yet')
    expect(readFileSync(join(root, 'web', 'dist', '.sources-hash'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/)
    expect(ensureWeb()).toContain('up to date')

    // What `npm install` does when nothing changed: rewrites package-lock.json with the same bytes
    // and a newer mtime. Also a source file whose mtime moves (a checkout, an editor's save).
    const lock = join(root, 'package-lock.json')
    writeFileSync(lock, readFileSync(lock))
    const later = new Date(Date.now() + 60_000)
    utimesSync(lock, later, later)
    utimesSync(join(root, 'web', 'src', 'main.ts'), later, later)
    expect(ensureWeb()).toContain('up to date')

    // A real change of the lockfile rebuilds; so does a changed source, and a new source file.
    writeFileSync(lock, '{ "lockfileVersion": 3, "packages": { "": { "name": "x" } } }\n')
    expect(ensureWeb()).toContain('rebuilding')
    expect(ensureWeb()).toContain('up to date')
    writeFileSync(join(root, 'web', 'src', 'main.ts'), "document.getElementById('app')!.textContent = 'two'\n")
    expect(ensureWeb()).toContain('rebuilding')
    writeFileSync(join(root, 'web', 'src', 'extra.ts'), 'export {}\n')
    expect(ensureWeb()).toContain('rebuilding')
    expect(ensureWeb()).toContain('up to date')
  })
})
