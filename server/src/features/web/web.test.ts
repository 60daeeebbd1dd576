// The web app as the server serves it: the built shell for page URLs, long-lived caching for
// hashed assets, pre-compressed files, and problem+json 404s kept for everything the server owns.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, type Harness, type TestApp } from '../../../test/helpers.js'
import { registerErrorHandling } from '../../http/error-handler.js'
import { defaultWebRoot, webRoutes } from './routes.js'

let h: Harness
let t: TestApp
let entry: string

const page = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', ...headers } })

beforeAll(async () => {
  // The real build (Vite), made only when missing or older than the web sources.
  const built = spawnSync(process.execPath, ['scripts/ensure-web.mjs', '--quiet'], { stdio: 'inherit' })
  if (built.status !== 0) throw new Error('the web app did not build')
  const html = readFileSync(join(defaultWebRoot, 'index.html'), 'utf8')
  entry = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? ''
  h = await createHarness()
  // A tiny anonymous limit: static files must not count against it.
  t = await h.start({ RATE_LIMIT_ANONYMOUS_MAX: '3' })
}, 120_000)
afterAll(async () => h?.close())

describe('the app shell', () => {
  it('is served at / and at every client-side route, never cached stale', async () => {
    for (const url of ['/', '/@alice', '/p/42', '/messages/7', '/settings/sessions', '/admin/stats?from=2024-01-01']) {
      const res = await page(url)
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.headers['cache-control']).toBe('no-cache')
      expect(res.body).toContain('<div id="root"></div>')
      expect(res.headers['content-security-policy']).toContain("script-src 'self'")
    }
  })

  it('revalidates with a 304', async () => {
    const first = await page('/')
    const etag = first.headers.etag as string
    expect(etag).toBeTruthy()
    const again = await page('/', { 'if-none-match': etag })
    expect(again.statusCode).toBe(304)
  })

  it('does not upgrade requests to https when the server is plain http', async () => {
    const res = await page('/')
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests')
    expect(res.headers['content-security-policy']).toMatch(/img-src [^;]*https:/)
  })
})

describe('assets', () => {
  it('serves hashed files as immutable for a year', async () => {
    expect(entry).toMatch(/^\/assets\/index-[\w-]+\.js$/)
    const res = await t.app.inject({ url: entry })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/javascript/)
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })

  it('sends the pre-compressed file to browsers that accept it', async () => {
    const br = await t.app.inject({ url: entry, headers: { 'accept-encoding': 'br, gzip' } })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers.vary).toMatch(/accept-encoding/i)
    const plain = await t.app.inject({ url: entry })
    expect(Number(br.headers['content-length'])).toBeLessThan(Number(plain.headers['content-length']) / 2)
  })

  it('answers a missing asset with a 404 problem, not the app shell', async () => {
    expectProblem(await t.app.inject({ url: '/assets/index-doesnotexist.js', headers: { accept: '*/*' } }), 404, 'not_found')
    const escape = await t.app.inject({ url: '/assets/..%2f..%2fpackage.json', headers: { accept: '*/*' } })
    expect([403, 404]).toContain(escape.statusCode)
    expect(escape.headers['content-type']).toMatch(/^application\/problem\+json/)
  })

  it('serves root files from web/public with revalidation', async () => {
    const res = await t.app.inject({ url: '/favicon.svg' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/image\/svg\+xml/)
    expect(res.headers['cache-control']).toBe('no-cache')
  })

  it('serves the installable app: a service worker always revalidated, naming this build, and the manifest', async () => {
    const sw = await t.app.inject({ url: '/sw.js' })
    expect(sw.statusCode).toBe(200)
    expect(sw.headers['content-type']).toMatch(/javascript/)
    // A new deploy must reach browsers at once: they check /sw.js on every navigation.
    expect(sw.headers['cache-control']).toBe('no-cache')
    // The build filled in its version and the files to keep offline (web/vite.config.ts).
    expect(sw.body).not.toContain("const VERSION = 'dev'")
    const precache = JSON.parse(/const PRECACHE = (\[.*\])/.exec(sw.body)![1]!) as string[]
    expect(precache).toContain(entry)
    expect(precache).toEqual(expect.arrayContaining(['/offline.html', '/offline.js', '/theme.js', '/manifest.webmanifest']))
    expect(precache.some((f) => f === '/index.html' || f === '/sw.js' || /\.(br|gz)$/.test(f))).toBe(false)

    const manifest = await t.app.inject({ url: '/manifest.webmanifest' })
    expect(manifest.statusCode).toBe(200)
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/)
    expect(manifest.headers['cache-control']).toBe('no-cache')
    const icons = (JSON.parse(manifest.body) as { icons: { src: string }[] }).icons
    for (const icon of icons) expect((await t.app.inject({ url: icon.src })).statusCode, icon.src).toBe(200)

    // The worker and the manifest are same-origin, which the policy allows (default-src 'self'
    // stands for worker-src and manifest-src).
    const csp = String((await page('/')).headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).not.toMatch(/worker-src|manifest-src|child-src/)
  })

  it('does not spend the anonymous rate limit', async () => {
    const asset = readdirSync(join(defaultWebRoot, 'assets')).find((f) => f.endsWith('.css'))!
    for (let i = 0; i < 8; i++) {
      expect((await t.app.inject({ url: `/assets/${asset}` })).statusCode).toBe(200)
      expect((await page('/explore')).statusCode).toBe(200)
    }
  })
})

describe('what stays the server’s', () => {
  it('keeps problem+json 404s under /api, /media and /docs even for browsers', async () => {
    for (const url of ['/api/hearth/v1/nope', '/api', '/api/', '/media/nope.webp', '/docs/nope/deeper']) {
      expectProblem(await page(url), 404, 'not_found')
    }
  })

  it('leaves the Mastodon-compatible paths to that API: the native API no longer lives at /api/v1', async () => {
    // paths Mastodon has no route for: its API answers 404 in its own format, never the web app or a native route
    for (const url of ['/api/v1/users/me', '/api/v1/auth/login', '/api/v2/no-such-thing', '/.well-known/no-such-thing']) {
      for (const res of [await page(url), await t.app.inject({ url, headers: { accept: 'application/json' } })]) {
        expect(res.statusCode, url).toBe(404)
        expect(json(res), url).toEqual({ error: expect.any(String) })
      }
    }
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'a', password: 'b' } })
    expect(login.statusCode).toBe(404)
    expect(json(login)).toEqual({ error: expect.any(String) })
    // and what it does answer is Mastodon's, not the web app's page
    const nodeinfo = await t.app.inject({ url: '/.well-known/nodeinfo' })
    expect(nodeinfo.statusCode).toBe(200)
    expect(json(nodeinfo).links).toEqual(expect.any(Array))
  })

  it('keeps its health routes', async () => {
    expect((await page('/healthz')).headers['content-type']).toMatch(/json/)
  })

  it('answers non-page requests to unknown paths with a 404 problem', async () => {
    expectProblem(await t.app.inject({ url: '/some/page', headers: { accept: 'application/json' } }), 404, 'not_found')
    expectProblem(await t.app.inject({ method: 'POST', url: '/', headers: { accept: 'text/html' } }), 404, 'not_found')
    expectProblem(await t.app.inject({ url: '/', headers: { accept: 'application/json' } }), 404, 'not_found')
    expectProblem(await t.app.inject({ url: '/some/page', headers: { accept: '*/*' } }), 404, 'not_found')
  })

  it('shows the app at / to curl and other clients that take any type', async () => {
    for (const headers of [{ accept: '*/*' }, {}]) {
      const res = await t.app.inject({ url: '/', headers })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.body).toMatch(/<div id="root">/)
    }
  })

  it('still publishes the API document', async () => {
    const res = await t.app.inject({ url: '/api/openapi.json' })
    expect(res.statusCode).toBe(200)
    expect(JSON.parse(res.body).paths['/api/hearth/v1/auth/login']).toBeDefined()
  })
})

describe('before the app is built', () => {
  it('tells a browser how to build it and keeps API 404s', async () => {
    const app = Fastify()
    registerErrorHandling(app)
    await app.register(webRoutes(join(h.dataDir, 'no-such-dist')))
    const res = await app.inject({ url: '/', headers: { accept: 'text/html' } })
    expect(res.statusCode).toBe(503)
    expect(res.body).toContain('npm run web:build')
    expectProblem(await app.inject({ url: '/api/hearth/v1/x', headers: { accept: 'text/html' } }), 404, 'not_found')
    await app.close()
  })
})
