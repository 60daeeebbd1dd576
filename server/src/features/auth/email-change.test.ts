// Changing the account's email address, read from a real SMTP server: the link goes to the new
// address, a notice to the old one, and the test follows the link as a person would.
import { and, eq, sql } from 'drizzle-orm'
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
import { emailTokens, userSessions, users } from '../../db/schema.js'
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

const post = (url: string, payload?: unknown, headers?: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: `/api/hearth/v1${url}`, payload: payload as object, headers })
const me = async (headers: Record<string, string>) => json(await t.app.inject({ url: '/api/hearth/v1/users/me', headers }))
const newAddress = () => `${uniqueName('new')}@example.test`.toLowerCase()
const CHANGE = /Confirm your new email address/
const NOTICE = /email address is about to change/
const RESET = /Reset your Hearth password/
const VERIFY = /Confirm your email address for Hearth/

/** Asks for the change and returns the token mailed to the new address. */
async function requestChange(u: { headers: Record<string, string>; password: string }, email: string, skip = 0) {
  const res = await post('/auth/email/change', { email, password: u.password }, u.headers)
  expect(res.statusCode).toBe(202)
  return linkToken(await inbox.waitFor(email, CHANGE, { skip })).token
}

/** An account that signs in only through a provider: no password (as provider sign-up creates). */
async function passwordless() {
  const u = await register(t.app)
  await t.ctx.database.db.update(users).set({ passwordHash: null }).where(eq(users.id, u.user.id))
  await t.services.users.invalidate(u.user.id)
  return u
}

describe('email change', () => {
  it('mails the link to the new address and a notice to the old; confirming moves sign-in to the new address, proven', async () => {
    const u = await register(t.app)
    const old = u.user.email
    const email = newAddress()
    expect((await post('/auth/email/change', { email: email.toUpperCase(), password: u.password }, u.headers)).statusCode).toBe(202)

    const { url, token } = linkToken(await inbox.waitFor(email, CHANGE))
    expect(`${url.origin}${url.pathname}`).toBe('http://localhost:3000/confirm-email')
    const notice = await inbox.waitFor(old, NOTICE)
    expect(notice.text).toContain(email)
    expect(notice.text).toMatch(/change your password/)
    expect(notice.text).not.toMatch(/https?:\/\//)
    // Only the hash is stored, with the new address.
    const [row] = await t.ctx.database.db
      .select()
      .from(emailTokens)
      .where(and(eq(emailTokens.userId, u.user.id), eq(emailTokens.purpose, 'change_email')))
    expect(row).toMatchObject({ tokenHash: sha256(token), email })
    // Nothing changes before the link is used.
    expect(await me(u.headers)).toMatchObject({ email: old, emailVerified: false })

    expect((await post('/auth/email/change/confirm', { token })).statusCode).toBe(204)
    expect(await me(u.headers)).toMatchObject({ email, emailVerified: true })
    expect((await login(t.app, email, u.password)).user.id).toBe(u.user.id)
    expectProblem(await post('/auth/login', { login: old, password: u.password }), 401, 'invalid_credentials')
    // The session that asked keeps working, and the link works once.
    expect((await me(u.headers)).id).toBe(u.user.id)
    expectProblem(await post('/auth/email/change/confirm', { token }), 400, 'token_invalid')
  })

  it('requires the current password; wrong or missing sends nothing, and repeated failures are rate limited', async () => {
    const u = await register(t.app)
    const email = newAddress()
    const wrong = expectProblem(
      await post('/auth/email/change', { email, password: 'not my password at all' }, u.headers),
      403,
      'invalid_current_password',
    )
    expect(wrong.errors).toEqual([{ field: 'password', message: 'is incorrect' }])
    const missing = expectProblem(await post('/auth/email/change', { email }, u.headers), 400, 'validation_failed')
    expect(missing.errors[0].field).toBe('password')
    await sleep(200)
    expect(inbox.to(email)).toEqual([])
    expect(inbox.to(u.user.email).filter((m) => NOTICE.test(m.subject ?? ''))).toEqual([])

    for (let i = 1; i < 10; i++) expectProblem(await post('/auth/email/change', { email, password: `wrong guess ${i}` }, u.headers), 403)
    // Ten failures: even the right password is refused for the rest of the window.
    expectProblem(await post('/auth/email/change', { email, password: u.password }, u.headers), 429, 'rate_limited')
  })

  it('an account without a password must have signed in within 15 minutes', async () => {
    const u = await passwordless()
    const email = newAddress()
    expect((await post('/auth/email/change', { email }, u.headers)).statusCode).toBe(202)
    await inbox.waitFor(email, CHANGE)

    await t.ctx.database.db
      .update(userSessions)
      .set({ createdAt: sql`now() - interval '16 minutes'` })
      .where(eq(userSessions.userId, u.user.id))
    const stale = expectProblem(await post('/auth/email/change', { email: newAddress() }, u.headers), 403, 'reauthentication_required')
    expect(stale.detail).toMatch(/sign in again/i)
    // A password sent anyway does not stand in for the fresh sign-in.
    expectProblem(
      await post('/auth/email/change', { email: newAddress(), password: 'whatever it may be' }, u.headers),
      403,
      'reauthentication_required',
    )
  })

  it('refuses the same address, an address another account uses, invalid addresses and anonymous callers', async () => {
    const u = await register(t.app)
    const other = await register(t.app)
    const same = expectProblem(
      await post('/auth/email/change', { email: u.user.email.toUpperCase(), password: u.password }, u.headers),
      400,
      'email_unchanged',
    )
    expect(same.errors[0].field).toBe('email')
    const taken = expectProblem(
      await post('/auth/email/change', { email: other.user.email, password: u.password }, u.headers),
      409,
      'email_taken',
    )
    expect(taken.errors).toEqual([{ field: 'email', message: 'is already registered' }])
    expectProblem(await post('/auth/email/change', { email: 'not an address', password: u.password }, u.headers), 400, 'validation_failed')
    expectProblem(
      await post('/auth/email/change', { email: newAddress(), password: u.password, admin: true }, u.headers),
      400,
      'validation_failed',
    )
    expectProblem(await post('/auth/email/change', { email: newAddress(), password: u.password }), 401, 'unauthorized')
    expectProblem(await post('/auth/email/change/confirm', { token: 'x'.repeat(43) }), 400, 'token_invalid')
    expect(await me(u.headers)).toMatchObject({ email: u.user.email })
  })

  it('refuses at confirmation an address another account took meanwhile', async () => {
    const u = await register(t.app)
    const email = newAddress()
    const token = await requestChange(u, email)
    const squatter = await register(t.app, { email })
    expectProblem(await post('/auth/email/change/confirm', { token }), 409, 'email_taken')
    expect((await me(u.headers)).email).toBe(u.user.email)
    expect((await me(squatter.headers)).email).toBe(email)
  })

  it('two accounts confirming the same new address at once: one gets it, the other 409', async () => {
    const a = await register(t.app)
    const b = await register(t.app)
    const email = newAddress()
    const tokenA = await requestChange(a, email)
    const tokenB = await requestChange(b, email, 1)
    const results = await Promise.all([
      post('/auth/email/change/confirm', { token: tokenA }),
      post('/auth/email/change/confirm', { token: tokenB }),
    ])
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 409])
    expectProblem(
      results.find((r) => r.statusCode === 409)!,
      409,
      'email_taken',
    )
    const emails = [(await me(a.headers)).email, (await me(b.headers)).email]
    expect(emails.filter((e) => e === email)).toHaveLength(1)
  })

  it('refuses expired links, and a newer request retires the older link', async () => {
    const u = await register(t.app)
    const first = await requestChange(u, newAddress())
    const secondEmail = newAddress()
    const second = await requestChange(u, secondEmail)
    expectProblem(await post('/auth/email/change/confirm', { token: first }), 400, 'token_invalid')

    await t.ctx.database.db
      .update(emailTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(emailTokens.tokenHash, sha256(second)))
    expectProblem(await post('/auth/email/change/confirm', { token: second }), 400, 'token_invalid')
    expect((await me(u.headers)).email).toBe(u.user.email)
  })

  it('links mailed to the old address stop working: password reset and verification', async () => {
    const u = await register(t.app)
    const verify = linkToken(await inbox.waitFor(u.user.email, VERIFY)).token
    expect((await post('/auth/password/forgot', { email: u.user.email })).statusCode).toBe(202)
    const reset = linkToken(await inbox.waitFor(u.user.email, RESET)).token

    const email = newAddress()
    expect((await post('/auth/email/change/confirm', { token: await requestChange(u, email) })).statusCode).toBe(204)
    expectProblem(await post('/auth/password/reset', { token: reset, newPassword: 'a takeover passphrase' }), 400, 'token_invalid')
    expectProblem(await post('/auth/email/verify', { token: verify }), 400, 'token_invalid')
    await login(t.app, email, u.password)
  })

  it('two concurrent confirmations with the same link: exactly one succeeds', async () => {
    const u = await register(t.app)
    const token = await requestChange(u, newAddress())
    const results = await Promise.all([post('/auth/email/change/confirm', { token }), post('/auth/email/change/confirm', { token })])
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 400])
  })
})
