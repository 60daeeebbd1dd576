import react from '@vitejs/plugin-react'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'

// The server serves web/dist at `/` (server/src/features/web). `npm run web:dev` runs Vite's dev
// server with the API proxied to a running `npm start` on API_ORIGIN (default :3000).
const api = process.env.API_ORIGIN ?? 'http://127.0.0.1:3000'

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]))

/**
 * Fills in public/sw.js's VERSION (a hash of this build's files, so each deploy is a new worker)
 * and PRECACHE (every file of the build but the pages and the worker itself, as URL paths).
 */
function fillServiceWorker(outDir: string) {
  const sw = join(outDir, 'sw.js')
  const files = walk(outDir)
    .map((f) => `/${relative(outDir, f).split(sep).join('/')}`)
    .filter((f) => !/\.(br|gz)$|^\/(sw\.js|index\.html|\.sources-hash)$/.test(f))
    .sort()
  const hash = createHash('sha256')
  for (const f of files) hash.update(`${f}\0`).update(readFileSync(join(outDir, f)))
  const source = readFileSync(sw, 'utf8')
  const filled = source
    .replace("const VERSION = 'dev'", `const VERSION = '${hash.digest('hex').slice(0, 16)}'`)
    .replace('const PRECACHE = []', `const PRECACHE = ${JSON.stringify(files)}`)
  if (filled === source) throw new Error('web/public/sw.js: VERSION and PRECACHE lines not found')
  writeFileSync(sw, filled)
}

/**
 * Writes .br and .gz next to each text asset; the server sends them to browsers that accept
 * them (@fastify/static `preCompressed`), so nothing is compressed per request.
 */
function precompress(): Plugin {
  let outDir = ''
  return {
    name: 'hearth-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = c.build.outDir
    },
    closeBundle() {
      // Before compressing: sw.js is one of the files compressed.
      fillServiceWorker(outDir)
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(file) || statSync(file).size < 1024) continue
        const data = readFileSync(file)
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }))
        writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }))
      }
    },
  }
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api/hearth/v1/stream': { target: api, ws: true },
      '/api': api,
      '/media': api,
    },
  },
})
