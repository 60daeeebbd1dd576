// What the web build is made from, judged by content: a hash of every file under web/src and
// web/public, the web config files and package-lock.json's bytes. ensure-web.mjs stores it next to
// the build (web/dist/.sources-hash) and rebuilds only when it differs, so `npm install` rewriting
// package-lock.json without changing it (or a checkout that only touches mtimes) costs no rebuild.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** Where the hash of the sources a build was made from is kept, inside that build. */
export const HASH_FILE = '.sources-hash'

const SOURCES = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json', 'package-lock.json']

function files(path) {
  if (!existsSync(path)) return []
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path)
    .sort()
    .flatMap((entry) => files(join(path, entry)))
}

/** sha256 over each source file's repo-relative path and content, in a stable order. */
export function webSourcesHash(repo) {
  const hash = createHash('sha256')
  for (const source of SOURCES) {
    for (const file of files(join(repo, source))) {
      const name = relative(repo, file).split(sep).join('/')
      const data = readFileSync(file)
      // Length-prefixed so that no two different file sets can hash the same.
      hash.update(`${name}\0${data.length}\0`)
      hash.update(data)
    }
  }
  return hash.digest('hex')
}

/** The hash stored with the build in `dist`, or undefined when there is no (finished) build. */
export function builtSourcesHash(dist) {
  const file = join(dist, HASH_FILE)
  if (!existsSync(file) || !existsSync(join(dist, 'index.html'))) return undefined
  return readFileSync(file, 'utf8').trim()
}
