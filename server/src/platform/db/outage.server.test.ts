// PostgreSQL stopped under a running app (a server of the test's own): every route answers 503
// service_unavailable with Retry-After, quickly, and the app recovers by itself once it is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { freePort, startOwnPostgres, type OwnPostgres } from '../../../test/own-services.js'
import { createPostgresDatabase } from './postgres.js'

let pg: OwnPostgres
let h: Harness
let t: TestApp
let alice: Session & { password: string }

beforeAll(async () => {
  pg = startOwnPostgres(await freePort())
  const first = createPostgresDatabase(pg.url, { poolSize: 1 })
  await first.migrate()
  await first.close()
  h = await createHarness()
  t = await h.start({ DATABASE_URL: pg.url })
  alice = await register(t.app)
}, 120_000)
afterAll(async () => {
  await h?.close()
  pg?.destroy()
})

describe('PostgreSQL down (issue 12 item 10)', () => {
  it('answers 503 service_unavailable with Retry-After on every kind of route, within the connect timeout, then recovers', async () => {
    const routes = [
      { method: 'GET' as const, url: '/api/hearth/v1/feed', headers: alice.headers },
      { method: 'GET' as const, url: '/api/hearth/v1/users?q=al' },
      { method: 'POST' as const, url: '/api/hearth/v1/posts', headers: alice.headers, payload: { content: 'hello' } },
      { method: 'POST' as const, url: '/api/hearth/v1/auth/login', payload: { login: alice.user.username, password: alice.password } },
    ]
    expect((await t.app.inject(routes[0]!)).statusCode).toBe(200)
    pg.stop()
    for (const r of routes) {
      const started = Date.now()
      const res = await t.app.inject(r)
      expect(Date.now() - started, r.url).toBeLessThan(4000)
      expectProblem(res, 503, 'service_unavailable')
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    }
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503)

    pg.start()
    let status = 0
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await t.app.inject(routes[0]!)).statusCode
      if (status !== 200) await new Promise((r) => setTimeout(r, 100))
    }
    expect(status).toBe(200)
    expect((await t.app.inject(routes[2]!)).statusCode).toBe(201)
  }, 60_000)
})
