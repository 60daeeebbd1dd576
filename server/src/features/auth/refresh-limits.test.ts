// Refreshing is limited per session, never in the sign-in bucket of the IP: a household behind one
// address reloading the web app must not be signed out, nor locked out of signing in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, register, type Harness, type TestApp } from '../../../test/helpers.js'

let h: Harness
let t: TestApp
const HOME = '10.20.30.40'

beforeAll(async () => {
  h = await createHarness()
  // The shipped sign-in limit (25 per 5 minutes per IP) and a per-session refresh allowance of 60.
  t = await h.start({ RATE_LIMIT_AUTH_MAX: '25', RATE_LIMIT_REFRESH_MAX: '60' })
})
afterAll(async () => h.close())

const refresh = (refreshToken: string, remoteAddress = HOME) =>
  t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/refresh', cookies: { refresh_token: refreshToken }, remoteAddress })
const signIn = (login: string, password: string, remoteAddress = HOME) =>
  t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/login', payload: { login, password }, remoteAddress })

describe('refresh rate limit', () => {
  it('40 page loads from one address across two sessions all refresh, and the sign-in bucket is untouched', async () => {
    const a = await register(t.app)
    const b = await register(t.app)
    const tokens = [a.refreshToken, b.refreshToken]
    for (let load = 0; load < 40; load++) {
      const res = await refresh(tokens[load % 2]!)
      expect(res.statusCode, res.body).toBe(200)
      tokens[load % 2] = json(res).refreshToken
    }
    // All 25 sign-ins of the window are still there for this address.
    for (let i = 0; i < 25; i++) expect((await signIn(a.user.username, a.password)).statusCode).toBe(200)
    expectProblem(await signIn(a.user.username, a.password), 429, 'rate_limited')
    // Refreshing still works from the address whose sign-in bucket is now empty.
    expect((await refresh(tokens[0]!)).statusCode).toBe(200)
  })

  it('counts per session: the 61st refresh of one session in a window is 429 with Retry-After, another session is unaffected', async () => {
    const u = await register(t.app)
    const other = await register(t.app)
    let token = u.refreshToken
    for (let i = 0; i < 60; i++) {
      const res = await refresh(token, `10.21.0.${i}`)
      expect(res.statusCode, res.body).toBe(200)
      token = json(res).refreshToken
    }
    const limited = await refresh(token, '10.21.1.1')
    expectProblem(limited, 429, 'rate_limited')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect((await refresh(other.refreshToken, '10.21.0.1')).statusCode).toBe(200)
  })

  it('tokens naming no live session are guesses: counted per IP like sign-in attempts', async () => {
    const u = await register(t.app)
    const guesser = '10.22.0.1'
    for (let i = 0; i < 25; i++) {
      expectProblem(await refresh(`${'x'.repeat(20)}${i}.${'A'.repeat(43)}`, guesser), 401, 'refresh_token_invalid')
    }
    expectProblem(await refresh(`${'y'.repeat(22)}.${'A'.repeat(43)}`, guesser), 429, 'rate_limited')
    // A live session's refresh from that address is counted per session, not in the guesses' bucket.
    expect((await refresh(u.refreshToken, guesser)).statusCode).toBe(200)
  })
})
