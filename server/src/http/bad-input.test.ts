// Whatever a client sends, the answer is a 4xx problem+json: never a 5xx, a stack trace or SQL.
// Walks every route of the published OpenAPI document, so new routes are covered automatically.
import type { LightMyRequestResponse } from 'fastify'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, listen, register, type Harness, type Session, type TestApp } from '../../test/helpers.js'

let h: Harness
let t: TestApp
let u: Session

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  u = await register(t.app)
})
afterAll(async () => h.close())

const nasty = [
  '{bad json',
  '[]',
  'null',
  '"string"',
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"x": 1}}}',
  JSON.stringify({ content: 'x'.repeat(70_000), email: 1, username: ['a'], password: { $gt: '' }, id: '1; DROP TABLE users' }),
  // eslint-disable-next-line no-loss-of-precision -- an id past any integer column is the point
  JSON.stringify({ userId: 99999999999999999999, postId: -1, commentId: 'abc', reason: 'nope', status: 'x', role: 'god' }),
]
const badIds = ['abc', '99999999999999999999', '0', '-5', '1.5', '%00', "1'--"]

function leaks(body: string) {
  return /at \w+ \(|node_modules|\/work\/|SELECT |INSERT |UPDATE |syntax error|stack/i.test(body)
}

describe('hostile input on every route', () => {
  it('never answers 5xx, never leaks internals', async () => {
    const spec = json(await t.app.inject({ url: '/api/openapi.json' }))
    const routes: [string, string][] = []
    for (const [path, ops] of Object.entries<Record<string, unknown>>(spec.paths)) {
      for (const method of Object.keys(ops))
        if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) routes.push([method.toUpperCase(), path])
    }
    expect(routes.length).toBeGreaterThan(10)
    let requests = 0
    for (const [method, path] of routes) {
      if (path === '/api/hearth/v1/stream') continue // WebSocket upgrade, covered by its own suite
      const urls = path.includes('{') ? badIds.map((id) => path.replace(/\{[^}]+\}/g, encodeURIComponent(id))) : [path]
      for (const url of [...urls, path.replace(/\{[^}]+\}/g, '1')]) {
        for (const headers of [{}, u.headers]) {
          const bodies = method === 'GET' || method === 'DELETE' ? [undefined] : nasty
          for (const payload of bodies) {
            const res = await t.app.inject({
              method: method as 'GET',
              url: `${url}${method === 'GET' ? '?limit=abc&cursor=%%%&q=' + encodeURIComponent("' OR 1=1 --") : ''}`,
              headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
              payload,
            })
            requests++
            expect(res.statusCode, `${method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500)
            expect(leaks(res.body), `${method} ${url} leaks: ${res.body.slice(0, 300)}`).toBe(false)
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(100)
  })

  it('refuses a NUL character in every string field and query parameter with 400 naming the field', async () => {
    const spec = json(await t.app.inject({ url: '/api/openapi.json' }))
    const nul = 'a\u0000b'
    const me = await register(t.app) // the walk above may have signed u out
    let checked = 0
    for (const [path, ops] of Object.entries<Record<string, any>>(spec.paths)) {
      if (path === '/api/hearth/v1/stream') continue
      for (const [method, op] of Object.entries<any>(ops)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
        // the Mastodon-compatible API answers in Mastodon's error format: its own walk is features/mastodon/mastodon-access.test.ts
        if (op.tags?.some((tag: string) => tag.startsWith('mastodon:'))) continue
        const url = path.replace(/\{[^}]+\}/g, '1')
        const tries: { field: string; url: string; payload?: Record<string, string> }[] = []
        for (const p of op.parameters ?? []) {
          if (p.in === 'query') tries.push({ field: `querystring.${p.name}`, url: `${url}?${p.name}=${encodeURIComponent(nul)}` })
        }
        const props = op.requestBody?.content?.['application/json']?.schema?.properties ?? {}
        for (const [name, schema] of Object.entries<any>(props)) {
          if (schema.type === 'string' || schema.anyOf?.some((s: { type?: string }) => s.type === 'string'))
            tries.push({ field: name, url, payload: { [name]: nul } })
        }
        for (const attempt of tries) {
          const res = await t.app.inject({
            method: method.toUpperCase() as 'GET',
            url: attempt.url,
            headers: me.headers,
            payload: attempt.payload,
          })
          const where = `${method.toUpperCase()} ${attempt.url.slice(0, 80)} ${attempt.field} → ${res.statusCode} ${res.body.slice(0, 200)}`
          // admin routes refuse a non-admin before anything is read
          if (path.startsWith('/api/hearth/v1/admin')) {
            expect(res.statusCode, where).toBe(403)
            continue
          }
          expect(res.statusCode, where).toBe(400)
          const problem = json(res)
          expect(problem.code, where).toBe('validation_failed')
          expect(problem.errors[0].field, where).toBe(attempt.field)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(15)
    // multipart text fields pass the same gate
    const fd = new FormData()
    fd.append('content', nul)
    const form = new Request('http://x/', { method: 'POST', body: fd })
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/hearth/v1/posts',
      headers: { ...me.headers, 'content-type': form.headers.get('content-type')! },
      payload: Buffer.from(await form.arrayBuffer()),
    })
    expect(expectProblem(res, 400, 'validation_failed').errors[0].field).toBe('content')
  })

  it('maps framework-level failures to problem+json', async () => {
    expectProblem(await t.app.inject({ url: '/nope' }), 404, 'not_found')
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"login": "a",',
      }),
      400,
      'malformed_json',
    )
    expectProblem(
      await t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'hello' }),
      415,
      'unsupported_media_type',
    )
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ login: 'x'.repeat(2_000_000), password: 'y' }),
      }),
      413,
      'payload_too_large',
    )
    const p = expectProblem(
      await t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/register', payload: { email: 5 } }),
      400,
      'validation_failed',
    )
    expect(p.errors.length).toBeGreaterThan(1)
  })

  it('answers what the HTTP parser refuses (over-long URL, huge headers, garbage) with problem+json on a real socket', async () => {
    const base = new URL(await listen(t))
    /** Writes raw bytes on a fresh connection and reads until the server closes it. */
    const raw = (request: string) =>
      new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
        const socket = connect(Number(base.port), base.hostname)
        let data = ''
        socket.setEncoding('utf8')
        socket.on('data', (d: string) => (data += d))
        socket.on('error', reject)
        socket.on('close', () => {
          const [head = '', body = ''] = data.split('\r\n\r\n')
          resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), headers: head.toLowerCase(), body })
        })
        socket.write(request)
      })
    const longUrl = await raw(`GET /api/hearth/v1/users?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)
    const hugeHeader = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`)
    for (const res of [longUrl, hugeHeader]) {
      expect(res.status).toBe(431)
      expect(res.headers).toContain('content-type: application/problem+json')
      expect(JSON.parse(res.body)).toMatchObject({ status: 431, code: 'headers_too_large', title: 'Request Header Fields Too Large' })
    }
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n')
    expect(garbage.status).toBe(400)
    expect(garbage.headers).toContain('content-type: application/problem+json')
    expect(JSON.parse(garbage.body)).toMatchObject({ status: 400, code: 'bad_request' })
  })

  it('rate limits sign-in per IP with 429 and Retry-After', async () => {
    const h2 = await createHarness()
    try {
      const s = await h2.start({ RATE_LIMIT_AUTH_MAX: '3' })
      const codes: number[] = []
      let last: LightMyRequestResponse | undefined
      for (let i = 0; i < 5; i++) {
        last = await s.app.inject({
          method: 'POST',
          url: '/api/hearth/v1/auth/login',
          remoteAddress: '10.0.0.7',
          payload: { login: 'ghost', password: 'whatever pass' },
        })
        codes.push(last.statusCode)
      }
      expect(codes).toEqual([401, 401, 401, 429, 429])
      expectProblem(last!, 429, 'rate_limited')
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0)
      // another IP is not affected
      const other = await s.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/auth/login',
        remoteAddress: '10.0.0.8',
        payload: { login: 'ghost', password: 'whatever pass' },
      })
      expect(other.statusCode).toBe(401)
    } finally {
      await h2.close()
    }
  })

  it('applies the general API limit per IP, and per account once signed in', async () => {
    const h2 = await createHarness()
    try {
      const s = await h2.start({ RATE_LIMIT_ANONYMOUS_MAX: '5', RATE_LIMIT_USER_MAX: '8' })
      const anon = []
      for (let i = 0; i < 6; i++) anon.push((await s.app.inject({ url: '/api/hearth/v1/users?q=a', remoteAddress: '10.0.0.9' })).statusCode)
      expect(anon).toEqual([200, 200, 200, 200, 200, 429])
      const me = await register(s.app, {}, {})
      const signed = []
      for (let i = 0; i < 9; i++)
        signed.push((await s.app.inject({ url: '/api/hearth/v1/users/me', headers: me.headers, remoteAddress: '10.0.0.9' })).statusCode)
      expect(signed.slice(0, 8).every((c) => c === 200)).toBe(true)
      expect(signed[8]).toBe(429)
      // health checks are never limited
      expect((await s.app.inject({ url: '/healthz', remoteAddress: '10.0.0.9' })).statusCode).toBe(200)
    } finally {
      await h2.close()
    }
  })

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const h2 = await createHarness()
    try {
      const s = await h2.start({ RATE_LIMIT_AUTH_MAX: '2' })
      const codes = []
      for (let i = 0; i < 3; i++) {
        codes.push(
          (
            await s.app.inject({
              method: 'POST',
              url: '/api/hearth/v1/auth/login',
              remoteAddress: '10.0.1.1',
              headers: { 'x-forwarded-for': `192.0.2.${i}` },
              payload: { login: 'g', password: 'whatever pass' },
            })
          ).statusCode,
        )
      }
      expect(codes).toEqual([401, 401, 429]) // spoofed addresses did not buy new buckets
      const p = await h2.start({ RATE_LIMIT_AUTH_MAX: '2', TRUST_PROXY: '10.0.1.1' })
      const viaProxy = []
      for (let i = 0; i < 3; i++) {
        viaProxy.push(
          (
            await p.app.inject({
              method: 'POST',
              url: '/api/hearth/v1/auth/login',
              remoteAddress: '10.0.1.1',
              headers: { 'x-forwarded-for': `198.51.100.${i}` },
              payload: { login: 'g', password: 'whatever pass' },
            })
          ).statusCode,
        )
      }
      expect(viaProxy).toEqual([401, 401, 401]) // distinct real clients behind the trusted proxy
    } finally {
      await h2.close()
    }
  })
})
