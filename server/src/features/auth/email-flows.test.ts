// Email verification and password reset, read from a real SMTP server: the test follows the
// mailed links exactly as a person would.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createHarness,
  expectProblem,
  json,
  login,
  register,
  sleep,
  uniqueName,
  type Harness,
  type TestApp,
} from '../../../test/helpers.js'
import { emailTokens } from '../../db/schema.js'
import { linkToken, startInbox, type Inbox } from './test-smtp-inbox.js'
import { sha256 } from './tokens.js'

let h: Harness
let t: TestApp
let inbox: Inbox

beforeAll(async () => {
  inbox = await startInbox()
  h = await createHarness()
  t = await h.start({ SMTP_URL: inbox.url })
})
afterAll(async () => {
  await h.close()
  await inbox.close()
})

const post = (url: string, payload?: unknown, opts: { headers?: Record<string, string>; remoteAddress?: string } = {}) =>
  t.app.inject({ method: 'POST', url: `/api/hearth/v1${url}`, payload: payload as object, ...opts })
const me = async (headers: Record<string, string>) => json(await t.app.inject({ url: '/api/hearth/v1/users/me', headers }))
const CONFIRM = /Confirm your email/
const RESET = /Reset your Hearth password/

async function expire(token: string) {
  await t.ctx.database.db
    .update(emailTokens)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(emailTokens.tokenHash, sha256(token)))
}

describe('email verification', () => {
  it('registration mails a link that proves the email, once', async () => {
    const u = await register(t.app)
    const mail = await inbox.waitFor(u.user.email, CONFIRM)
    const { url, token } = linkToken(mail)
    expect(`${url.origin}${url.pathname}`).toBe('http://localhost:3000/verify-email')
    expect(token).toMatch(/^[\w-]{43}$/)
    // Only the hash is stored.
    const rows = await t.ctx.database.db.select().from(emailTokens).where(eq(emailTokens.userId, u.user.id))
    expect(rows.map((r) => r.tokenHash)).toEqual([sha256(token)])

    expect((await me(u.headers)).emailVerified).toBe(false)
    expect((await post('/auth/email/verify', { token })).statusCode).toBe(204)
    expect((await me(u.headers)).emailVerified).toBe(true)
    expectProblem(await post('/auth/email/verify', { token }), 400, 'token_invalid')
  })

  it('verify-request mails a fresh link; refused once proven, and for anonymous callers', async () => {
    const u = await register(t.app)
    await inbox.waitFor(u.user.email, CONFIRM)
    expect((await post('/auth/email/verify-request', undefined, { headers: u.headers })).statusCode).toBe(202)
    const { token } = linkToken(await inbox.waitFor(u.user.email, CONFIRM, { skip: 1 }))
    expect((await post('/auth/email/verify', { token })).statusCode).toBe(204)
    expectProblem(await post('/auth/email/verify-request', undefined, { headers: u.headers }), 409, 'email_already_verified')
    expectProblem(await post('/auth/email/verify-request'), 401)
  })

  it('refuses expired, unknown and malformed tokens', async () => {
    const u = await register(t.app)
    const { token } = linkToken(await inbox.waitFor(u.user.email, CONFIRM))
    await expire(token)
    expectProblem(await post('/auth/email/verify', { token }), 400, 'token_invalid')
    expectProblem(await post('/auth/email/verify', { token: 'x'.repeat(43) }), 400, 'token_invalid')
    expectProblem(await post('/auth/email/verify', { token: '' }), 400, 'validation_failed')
    expectProblem(await post('/auth/email/verify', { token, extra: 1 }), 400, 'validation_failed')
    expect((await me(u.headers)).emailVerified).toBe(false)
  })

  it('registration succeeds even when the mail cannot be delivered', async () => {
    const broken = await h.start({ SMTP_URL: 'smtp://127.0.0.1:9' })
    const u = await register(broken.app)
    await login(broken.app, u.user.username, u.password)
    expect(json(await broken.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers })).emailVerified).toBe(false)
  })
})

describe('password reset', () => {
  it('answers 202 with the same body whether or not the account exists, and mails only an existing one', async () => {
    const u = await register(t.app)
    const unknown = `${uniqueName('nobody')}@example.test`.toLowerCase()
    const a = await post('/auth/password/forgot', { email: unknown })
    const b = await post('/auth/password/forgot', { email: u.user.email.toUpperCase() })
    expect(a.statusCode).toBe(202)
    expect(b.statusCode).toBe(202)
    expect(a.body).toBe(b.body)
    await inbox.waitFor(u.user.email, RESET)
    await sleep(200)
    expect(inbox.to(unknown)).toEqual([])

    // Neither path does the lookup or the mailing before answering, so their times are alike.
    const time = async (email: string) => {
      const s = performance.now()
      await post('/auth/password/forgot', { email }, { remoteAddress: '198.51.100.1' })
      return performance.now() - s
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[1]!
    const known = [await time(u.user.email), await time(u.user.email), await time(u.user.email)]
    const missing = [await time(unknown), await time(unknown), await time(unknown)]
    expect(Math.abs(median(known) - median(missing))).toBeLessThan(100)
  })

  it('sets the new password, proves the email and ends every session; the link works once', async () => {
    const u = await register(t.app)
    const other = await login(t.app, u.user.username, u.password)
    expect((await post('/auth/password/forgot', { email: u.user.email })).statusCode).toBe(202)
    const { url, token } = linkToken(await inbox.waitFor(u.user.email, RESET))
    expect(`${url.origin}${url.pathname}`).toBe('http://localhost:3000/reset-password')

    // The password rules apply, and a refused password does not use the link up.
    const weak = expectProblem(await post('/auth/password/reset', { token, newPassword: 'password' }), 400, 'validation_failed')
    expect(weak.errors).toEqual([{ field: 'newPassword', message: 'is one of the most common passwords; choose another' }])
    expect(weak.detail).toBe('The new password is one of the most common passwords; choose another.')
    expectProblem(await post('/auth/password/reset', { token, newPassword: u.user.username }), 400, 'validation_failed')

    expect((await post('/auth/password/reset', { token, newPassword: 'a fresh long passphrase' })).statusCode).toBe(204)
    for (const s of [u, other]) {
      expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/me', headers: s.headers }), 401, 'session_revoked')
      expectProblem(await post('/auth/refresh', { refreshToken: s.refreshToken }), 401)
    }
    expectProblem(await post('/auth/login', { login: u.user.username, password: u.password }), 401, 'invalid_credentials')
    const fresh = await login(t.app, u.user.email, 'a fresh long passphrase')
    expect(fresh.user).toMatchObject({ emailVerified: true, hasPassword: true })
    expectProblem(await post('/auth/password/reset', { token, newPassword: 'yet another passphrase' }), 400, 'token_invalid')
  })

  it('using one link retires the older ones; expired and unknown links are refused', async () => {
    const u = await register(t.app)
    await post('/auth/password/forgot', { email: u.user.email })
    await post('/auth/password/forgot', { email: u.user.email })
    const first = linkToken(await inbox.waitFor(u.user.email, RESET)).token
    const second = linkToken(await inbox.waitFor(u.user.email, RESET, { skip: 1 })).token
    expect(first).not.toBe(second)
    expect((await post('/auth/password/reset', { token: second, newPassword: 'second link passphrase' })).statusCode).toBe(204)
    expectProblem(await post('/auth/password/reset', { token: first, newPassword: 'first link passphrase' }), 400, 'token_invalid')

    await post('/auth/password/forgot', { email: u.user.email })
    const third = linkToken(await inbox.waitFor(u.user.email, RESET, { skip: 2 })).token
    await expire(third)
    expectProblem(await post('/auth/password/reset', { token: third, newPassword: 'third link passphrase' }), 400, 'token_invalid')
    expectProblem(await post('/auth/password/reset', { token: 'z'.repeat(43), newPassword: 'third link passphrase' }), 400, 'token_invalid')
    await login(t.app, u.user.username, 'second link passphrase')
  })

  it('two concurrent resets with the same link: exactly one succeeds', async () => {
    const u = await register(t.app)
    await post('/auth/password/forgot', { email: u.user.email })
    const { token } = linkToken(await inbox.waitFor(u.user.email, RESET))
    const results = await Promise.all([
      post('/auth/password/reset', { token, newPassword: 'concurrent passphrase one' }),
      post('/auth/password/reset', { token, newPassword: 'concurrent passphrase two' }),
    ])
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 400])
  })

  it('refuses malformed requests', async () => {
    expectProblem(await post('/auth/password/forgot', { email: 'not an email' }), 400, 'validation_failed')
    expectProblem(await post('/auth/password/forgot', { email: 'a@example.test', admin: true }), 400, 'validation_failed')
    expectProblem(await post('/auth/password/reset', { token: 'x' }), 400, 'validation_failed')
  })
})

describe('rate limits', () => {
  it('per address: the sixth mail of a kind within the hour is refused, whether or not the account exists', async () => {
    const u = await register(t.app)
    for (const email of [u.user.email, `${uniqueName('ghost')}@example.test`]) {
      for (let i = 0; i < 5; i++) {
        expect((await post('/auth/password/forgot', { email }, { remoteAddress: `192.0.2.${i + 1}` })).statusCode).toBe(202)
      }
      const limited = expectProblem(await post('/auth/password/forgot', { email }, { remoteAddress: '192.0.2.99' }), 429, 'rate_limited')
      expect(limited.detail).toMatch(/Try again in \d+ seconds/)
    }
    await inbox.waitFor(u.user.email, RESET, { skip: 4 })
    await sleep(200)
    expect(inbox.to(u.user.email).filter((m) => RESET.test(m.subject ?? ''))).toHaveLength(5)
  })

  it('per IP, across addresses', async () => {
    const strict = await h.start({ SMTP_URL: inbox.url, RATE_LIMIT_AUTH_MAX: '3' })
    const from = (remoteAddress: string) =>
      strict.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/auth/password/forgot',
        payload: { email: `${uniqueName('ip')}@example.test` },
        remoteAddress,
      })
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).statusCode).toBe(202)
    expectProblem(await from('203.0.113.7'), 429, 'rate_limited')
    expect((await from('203.0.113.8')).statusCode).toBe(202)
  })
})
