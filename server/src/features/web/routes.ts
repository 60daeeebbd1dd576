// Serves the web app (web/dist, built by Vite) on the API's origin. Registered last in app.ts so
// every API, media and docs route wins over the catch-all. Paths of the client-side router (e.g.
// /@alice, /p/42) get index.html when a browser asks for a page; everything reserved for the
// server keeps its problem+json 404, and so does a script or image request for a missing file.
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const defaultWebRoot = fileURLToPath(new URL('../../../../web/dist', import.meta.url))

/** Never answered with the app shell: these belong to the server (native API, media, docs) or to the
 * Mastodon-compatible API (/api/v1, /api/v2, /oauth, /.well-known, /nodeinfo). */
const RESERVED = /^\/(api|media|docs|oauth|\.well-known|nodeinfo)(\/|$)|^\/(healthz|readyz)$/

/**
 * Whether the request is for a page. Browsers navigating say text/html. For the root alone,
 * anything that takes any type (curl's `*\/*`, or no Accept at all) gets the shell too, so a
 * newcomer's first `curl localhost:3000/` sees the app rather than a 404; a missing script or image
 * under another path (also `*\/*`) keeps its 404.
 */
const wantsPage = (req: FastifyRequest, path: string) => {
  const accept = req.headers.accept ?? ''
  return accept.includes('text/html') || (path === '/' && (accept === '' || accept.includes('*/*')))
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Hearth</title>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>The web app has not been built</h1>
<p>Run <code>npm run web:build</code>, or start the server with <code>npm start</code>, which builds it when needed.</p>
<p>The API is up: see <a href="/docs">/docs</a>.</p></body></html>`

export function webRoutes(root = defaultWebRoot): FastifyPluginAsync {
  return async (app) => {
    const built = existsSync(join(root, 'index.html'))
    // Static files are requested by every first visit; they must not spend the API's rate limit.
    const config = { rateLimit: false as const }
    if (!built) app.log.warn({ root }, 'web app not built: run `npm run web:build` (npm start does it)')

    if (built) {
      // serve: false — the routes below decide what is served, with which cache policy.
      await app.register(fastifyStatic, { root, serve: false, preCompressed: true, index: false, dotfiles: 'deny' })

      // Vite puts a content hash in every asset name: a new build means new names, so browsers
      // may keep these forever.
      app.get('/assets/*', { config, schema: { hide: true } }, (req, reply) => {
        const file = (req.params as { '*': string })['*']
        // The same URL answers brotli, gzip or plain bytes (pre-compressed files).
        reply.header('vary', 'accept-encoding')
        return reply.sendFile(file, join(root, 'assets'), { maxAge: 31_536_000_000, immutable: true })
      })
    }

    // Files copied from web/public (favicon and the like) keep their names: revalidate each time.
    const rootFiles = built
      ? new Set(readdirSync(root).filter((f) => f !== 'index.html' && !/\.(br|gz)$/.test(f) && statSync(join(root, f)).isFile()))
      : new Set<string>()

    app.get('/*', { config, schema: { hide: true } }, (req, reply) => {
      const path = req.url.split('?')[0]!
      const name = path.slice(1)
      if (rootFiles.has(name)) {
        reply.header('cache-control', 'no-cache')
        return reply.sendFile(name, root, { cacheControl: false })
      }
      if (RESERVED.test(path) || !wantsPage(req, path)) return reply.callNotFound()
      if (!built) return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT)
      // The shell must never be cached stale: it names the current build's assets.
      reply.header('cache-control', 'no-cache')
      return reply.sendFile('index.html', root, { cacheControl: false })
    })
  }
}
