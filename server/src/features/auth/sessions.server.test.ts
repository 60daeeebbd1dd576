// Two server instances sharing one PostgreSQL and one Redis, as behind a load balancer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, login, register, sleep, type Harness, type TestApp } from '../../../test/helpers.js'

let h: Harness
let a: TestApp
let b: TestApp

beforeAll(async () => {
  h = await createHarness()
  a = await h.start()
  b = await h.start()
})
afterAll(async () => h.close())

const me = (t: TestApp, headers: Record<string, string>) => t.app.inject({ url: '/api/hearth/v1/users/me', headers })

/** Polls until the request is refused, returning how long it took. */
async function msUntilRefused(t: TestApp, headers: Record<string, string>): Promise<number> {
  const start = Date.now()
  while (Date.now() - start < 3000) {
    if ((await me(t, headers)).statusCode === 401) return Date.now() - start
    await sleep(25)
  }
  return Infinity
}

describe('revocation across instances', () => {
  it('uses Redis for the session cache', () => {
    expect(a.ctx.cache.kind).toBe('redis')
    expect(b.ctx.cache.kind).toBe('redis')
  })

  it('logout on A stops the token on B within one second', async () => {
    const u = await register(a.app)
    expect((await me(b, u.headers)).statusCode).toBe(200) // B has it cached now
    expect((await a.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/logout', headers: u.headers })).statusCode).toBe(204)
    expect(await msUntilRefused(b, u.headers)).toBeLessThan(1000)
  })

  it('revoke-one on B stops the device on A within one second', async () => {
    const u = await register(a.app)
    const phone = await login(a.app, u.user.username, u.password, { 'user-agent': 'phone' })
    expect((await me(a, phone.headers)).statusCode).toBe(200)
    const sessions = json(await b.app.inject({ url: '/api/hearth/v1/auth/sessions', headers: u.headers })).items
    const target = sessions.find((s: { userAgent: string }) => s.userAgent === 'phone')
    expect(
      (await b.app.inject({ method: 'DELETE', url: `/api/hearth/v1/auth/sessions/${target.id}`, headers: u.headers })).statusCode,
    ).toBe(204)
    expect(await msUntilRefused(a, phone.headers)).toBeLessThan(1000)
    expect((await me(a, u.headers)).statusCode).toBe(200)
  })

  it('revoke-others and password change reach the other instance within one second', async () => {
    const u = await register(a.app)
    const other = await login(b.app, u.user.username, u.password)
    expect((await me(a, other.headers)).statusCode).toBe(200)
    await b.app.inject({ method: 'DELETE', url: '/api/hearth/v1/auth/sessions', headers: u.headers })
    expect(await msUntilRefused(a, other.headers)).toBeLessThan(1000)

    const third = await login(a.app, u.user.username, u.password)
    expect((await me(b, third.headers)).statusCode).toBe(200)
    const res = await a.app.inject({
      method: 'POST',
      url: '/api/hearth/v1/auth/password',
      headers: u.headers,
      payload: { currentPassword: u.password, newPassword: 'another long passphrase' },
    })
    expect(res.statusCode).toBe(204)
    expect(await msUntilRefused(b, third.headers)).toBeLessThan(1000)
  })

  it('refresh-token reuse after the grace window, detected on B, kills the session on A', async () => {
    // Two instances whose grace window is 1 s, so the test need not wait out the default 5 s.
    const [c, d] = [await h.start({ REFRESH_REUSE_GRACE: '1' }), await h.start({ REFRESH_REUSE_GRACE: '1' })]
    const u = await register(c.app)
    const rotated = json(
      await c.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/refresh', payload: { refreshToken: u.refreshToken } }),
    )
    const headers = { authorization: `Bearer ${rotated.accessToken}` }
    expect((await me(c, headers)).statusCode).toBe(200)
    await sleep(1100)
    expectProblem(
      await d.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/refresh', payload: { refreshToken: u.refreshToken } }),
      401,
      'refresh_token_reused',
    )
    expect(await msUntilRefused(c, headers)).toBeLessThan(1000)
  })

  it('8 concurrent refreshes with one token spread over A and B: all 200 with one successor, and the session lives', async () => {
    const u = await register(a.app)
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? b : a).app.inject({ method: 'POST', url: '/api/hearth/v1/auth/refresh', payload: { refreshToken: u.refreshToken } }),
      ),
    )
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200))
    const successors = new Set(results.map((r) => json(r).refreshToken))
    expect(successors.size).toBe(1)
    for (const [i, r] of results.entries()) {
      expect((await me(i % 2 ? a : b, { authorization: `Bearer ${json(r).accessToken}` })).statusCode).toBe(200)
    }
    const [successor] = successors
    const next = await b.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/refresh', payload: { refreshToken: successor } })
    expect(next.statusCode).toBe(200)
  })

  it('answers session checks from the cache, not the database', async () => {
    const u = await register(a.app)
    await me(a, u.headers)
    // Revoke in the database only, behind the cache's back: the cached entry keeps answering
    // (this is what makes authenticated requests cheap), which proves no per-request DB check.
    const { userSessions } = await import('../../db/schema.js')
    const { eq } = await import('drizzle-orm')
    await a.ctx.database.db.update(userSessions).set({ isActive: false }).where(eq(userSessions.userId, u.user.id))
    expect((await me(a, u.headers)).statusCode).toBe(200)
  })
})

describe('the cached signed-in user across instances', () => {
  it('a profile edit on A shows on B within one second, and on A at once', async () => {
    const u = await register(a.app)
    expect(json(await me(b, u.headers)).displayName).toBeNull() // cached on B now
    await a.app.inject({ method: 'PATCH', url: '/api/hearth/v1/users/me', headers: u.headers, payload: { displayName: 'Edited on A' } })
    expect(json(await me(a, u.headers)).displayName).toBe('Edited on A')
    const start = Date.now()
    while (json(await me(b, u.headers)).displayName !== 'Edited on A' && Date.now() - start < 3000) await sleep(25)
    expect(Date.now() - start).toBeLessThan(1000)
  })
})

describe('rate limits shared through Redis', () => {
  it('counts sign-in attempts per IP across instances', async () => {
    const h2 = await createHarness()
    try {
      const env = { RATE_LIMIT_AUTH_MAX: '4' }
      const x = await h2.start(env)
      const y = await h2.start(env)
      const codes: number[] = []
      for (let i = 0; i < 6; i++) {
        const t = i % 2 === 0 ? x : y
        const r = await t.app.inject({
          method: 'POST',
          url: '/api/hearth/v1/auth/login',
          remoteAddress: '10.1.2.3',
          payload: { login: `nobody${i}`, password: 'whatever it is' },
        })
        codes.push(r.statusCode)
      }
      expect(codes.slice(0, 4)).toEqual([401, 401, 401, 401])
      expect(codes.slice(4)).toEqual([429, 429])
    } finally {
      await h2.close()
    }
  })
})
