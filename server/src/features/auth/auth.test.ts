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

let h: Harness
let t: TestApp

beforeAll(async () => {
  h = await createHarness()
  t = await h.start({ ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: 'admin passphrase 1' })
})
afterAll(async () => h.close())

const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as any, headers })

describe('registration', () => {
  it('creates an account, signs in, and normalises the email', async () => {
    const name = uniqueName('Reg')
    const res = await post('/api/hearth/v1/auth/register', {
      email: `  ${name}@Example.TEST `.trim(),
      username: name,
      password: 'long enough pass',
      displayName: 'Reg',
    })
    expect(res.statusCode).toBe(201)
    const body = json(res)
    expect(body.user).toMatchObject({
      username: name,
      email: `${name.toLowerCase()}@example.test`,
      role: 'user',
      emailVerified: false,
      hasPassword: true,
    })
    expect(body.user).not.toHaveProperty('passwordHash')
    expect(body.accessToken).toMatch(/^ey/)
    expect(body.expiresIn).toBe(900)
    expect(String(res.headers['set-cookie'])).toMatch(/refresh_token=.*HttpOnly.*SameSite=Strict/i)
    const me = await t.app.inject({ url: '/api/hearth/v1/users/me', headers: { authorization: `Bearer ${body.accessToken}` } })
    expect(json(me).id).toBe(body.user.id)
  })

  it('refuses a duplicate email (any case) and a duplicate username (any case) with 409', async () => {
    const a = await register(t.app)
    const dupEmail = await post('/api/hearth/v1/auth/register', {
      email: a.user.email.toUpperCase(),
      username: uniqueName(),
      password: 'long enough pass',
    })
    expect(expectProblem(dupEmail, 409, 'email_taken').errors).toEqual([{ field: 'email', message: 'is already registered' }])
    const dupName = await post('/api/hearth/v1/auth/register', {
      email: `${uniqueName()}@example.test`,
      username: a.user.username.toUpperCase(),
      password: 'long enough pass',
    })
    expect(expectProblem(dupName, 409, 'username_taken').errors?.[0].field).toBe('username')
  })

  it('lets exactly one of two concurrent identical registrations through', async () => {
    const name = uniqueName()
    const payload = { email: `${name}@example.test`, username: name, password: 'long enough pass' }
    const results = await Promise.all([post('/api/hearth/v1/auth/register', payload), post('/api/hearth/v1/auth/register', payload)])
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409])
  })

  it('explains each invalid field', async () => {
    const res = await post('/api/hearth/v1/auth/register', { email: 'not-an-email', username: 'no spaces!', password: 'x' })
    const p = expectProblem(res, 400, 'validation_failed')
    const fields = p.errors.map((e: { field: string }) => e.field)
    expect(fields).toEqual(expect.arrayContaining(['email', 'username']))
  })

  it('enforces the schema lengths', async () => {
    const long = await post('/api/hearth/v1/auth/register', {
      email: `${'a'.repeat(250)}@example.test`,
      username: uniqueName(),
      password: 'long enough pass',
      displayName: 'd'.repeat(101),
    })
    const p = expectProblem(long, 400, 'validation_failed')
    expect(p.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['email', 'displayName']))
  })

  it('applies the password rules: 8+ characters, long ones allowed, common ones refused', async () => {
    const short = await post('/api/hearth/v1/auth/register', {
      email: `${uniqueName()}@example.test`,
      username: uniqueName(),
      password: 'seven77',
    })
    expect(expectProblem(short, 400, 'validation_failed').errors[0]).toMatchObject({ field: 'password' })
    const common = await post('/api/hearth/v1/auth/register', {
      email: `${uniqueName()}@example.test`,
      username: uniqueName(),
      password: 'Password1',
    })
    const commonProblem = expectProblem(common, 400, 'validation_failed')
    expect(commonProblem.detail).toBe('The password is one of the most common passwords; choose another.')
    // The field's message continues its label: clients show "Password is one of…", never "Password Password is…".
    expect(commonProblem.errors).toEqual([{ field: 'password', message: 'is one of the most common passwords; choose another' }])
    // 200 characters: allowed and not truncated (a different tail must not sign in)
    const longPass = 'x'.repeat(150) + 'unique tail of fifty characters.................!'
    const u = await register(t.app, { password: longPass })
    await login(t.app, u.user.username, longPass)
    const wrongTail = await post('/api/hearth/v1/auth/login', { login: u.user.username, password: longPass.slice(0, -1) + '?' })
    expectProblem(wrongTail, 401, 'invalid_credentials')
    // no composition rules: all lower-case letters is fine
    await register(t.app, { password: 'onlylowercaseletters' })
  })

  it('refuses unknown fields instead of ignoring them', async () => {
    const res = await post('/api/hearth/v1/auth/register', {
      email: `${uniqueName()}@example.test`,
      username: uniqueName(),
      password: 'long enough pass',
      role: 'admin',
    })
    expect(expectProblem(res, 400, 'validation_failed').errors).toContainEqual({ field: 'role', message: 'is not an accepted field' })
  })
})

describe('sign-in', () => {
  it('accepts the email or the username, in any case', async () => {
    const u = await register(t.app)
    await login(t.app, u.user.email.toUpperCase(), u.password)
    await login(t.app, u.user.username.toUpperCase(), u.password)
  })

  it('answers a wrong password and an unknown account with the same 401', async () => {
    const u = await register(t.app)
    const wrong = expectProblem(
      await post('/api/hearth/v1/auth/login', { login: u.user.username, password: 'not the password' }),
      401,
      'invalid_credentials',
    )
    const unknown = expectProblem(
      await post('/api/hearth/v1/auth/login', { login: 'nobody-here@example.test', password: 'not the password' }),
      401,
      'invalid_credentials',
    )
    expect(wrong.detail).toBe(unknown.detail)
  })

  it('takes similar time for an unknown account and a wrong password', async () => {
    const u = await register(t.app)
    const time = async (login: string) => {
      const s = performance.now()
      await post('/api/hearth/v1/auth/login', { login, password: 'not the password' })
      return performance.now() - s
    }
    await time('warmup@example.test')
    const known: number[] = []
    const unknown: number[] = []
    for (let i = 0; i < 5; i++) {
      known.push(await time(u.user.username))
      unknown.push(await time(`nobody${i}@example.test`))
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[2]!
    // Both pay one argon2id verification; without the dummy hash, unknown would be ~100x faster.
    expect(median(unknown)).toBeGreaterThan(median(known) / 3)
  })

  it('locks an account after repeated failures, whatever the IP', async () => {
    const u = await register(t.app)
    for (let i = 0; i < 10; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/auth/login',
        payload: { login: u.user.username, password: 'wrong wrong' },
        remoteAddress: `10.9.0.${i}`,
      })
      expect(r.statusCode).toBe(401)
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/hearth/v1/auth/login',
      payload: { login: u.user.username, password: u.password },
      remoteAddress: '10.9.1.1',
    })
    expectProblem(locked, 429, 'rate_limited')
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
  })

  const attempt = (loginName: string, password: string, remoteAddress = '10.8.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/login', payload: { login: loginName, password }, remoteAddress })

  it('100 simultaneous guesses from 100 addresses: 10 are verified, the rest 429, the right password as the 21st does not sign in', async () => {
    const u = await register(t.app)
    const guesses = Array.from({ length: 100 }, (_, i) => (i === 20 ? u.password : `wrong guess ${i}`))
    const results = await Promise.all(guesses.map((p, i) => attempt(u.user.username, p, `10.7.${i >> 8}.${i & 255}`)))
    const statuses = results.map((r) => r.statusCode)
    // Each attempt is counted before its argon2 check, so only the first 10 get that far.
    expect(statuses.filter((s) => s === 401)).toHaveLength(10)
    expect(statuses.filter((s) => s === 429)).toHaveLength(90)
    expect(statuses).not.toContain(200)
    expectProblem(results[20]!, 429, 'rate_limited')
    expectProblem(await attempt(u.user.email, u.password, '10.7.9.9'), 429, 'rate_limited')
  })

  it('counts per account: failures by username lock the email too, and an unknown login has a count of its own', async () => {
    const u = await register(t.app)
    for (let i = 0; i < 10; i++) expectProblem(await attempt(u.user.username.toUpperCase(), `wrong ${i}`), 401, 'invalid_credentials')
    expectProblem(await attempt(` ${u.user.email.toUpperCase()} `, u.password), 429, 'rate_limited')
    expectProblem(await attempt(u.user.username, u.password), 429, 'rate_limited')

    // Someone else's account is not touched; an unknown login is locked the same way as a known one.
    const other = await register(t.app)
    await login(t.app, other.user.email, other.password)
    const nobody = `${uniqueName('nobody')}@example.test`
    for (let i = 0; i < 10; i++) expectProblem(await attempt(nobody, `wrong ${i}`), 401, 'invalid_credentials')
    expectProblem(await attempt(nobody.toUpperCase(), 'wrong again'), 429, 'rate_limited')
  })

  it('a right password hands its attempt back: many sign-ins in a window never lock the account', async () => {
    const u = await register(t.app)
    for (let i = 0; i < 9; i++) expectProblem(await attempt(u.user.email, `wrong ${i}`), 401, 'invalid_credentials')
    for (let i = 0; i < 12; i++) expect((await attempt(i % 2 ? u.user.email : u.user.username, u.password)).statusCode).toBe(200)
    expectProblem(await attempt(u.user.username, 'the tenth failure'), 401, 'invalid_credentials')
    expectProblem(await attempt(u.user.username, u.password), 429, 'rate_limited')
  })

  it('signs the configured admin in with the admin role', async () => {
    const admin = await login(t.app, 'root@example.test', 'admin passphrase 1')
    expect(admin.user.role).toBe('admin')
  })

  it('makes the configured account an unblocked admin with the configured password again at the next start', async () => {
    const { users } = await import('../../db/schema.js')
    const { eq } = await import('drizzle-orm')
    const { hashPassword } = await import('./passwords.js')
    const db = t.ctx.database.db
    const byEmail = eq(users.email, 'root@example.test')
    const [before] = await db.select().from(users).where(byEmail)
    await db
      .update(users)
      .set({ role: 'user', isBlocked: true, emailVerifiedAt: null, passwordHash: await hashPassword('changed behind our back') })
      .where(eq(users.id, before!.id))

    const restarted = await h.start({ ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: 'admin passphrase 1' })
    const after = await db.select().from(users).where(byEmail)
    expect(after).toHaveLength(1)
    expect(after[0]).toMatchObject({ id: before!.id, role: 'admin', isBlocked: false })
    expect(after[0]!.emailVerifiedAt).not.toBeNull()
    const admin = await login(restarted.app, 'root@example.test', 'admin passphrase 1')
    expect(admin.user).toMatchObject({ id: before!.id, role: 'admin' })
  })
})

describe('refresh rotation and reuse detection', () => {
  it('rotates: the new pair works and the old refresh token is dead', async () => {
    const u = await register(t.app)
    const r1 = await post('/api/hearth/v1/auth/refresh', { refreshToken: u.refreshToken })
    expect(r1.statusCode).toBe(200)
    const b1 = json(r1)
    expect(b1.refreshToken).not.toBe(u.refreshToken)
    const me = await t.app.inject({ url: '/api/hearth/v1/users/me', headers: { authorization: `Bearer ${b1.accessToken}` } })
    expect(me.statusCode).toBe(200)
  })

  it('a stolen token replayed after the grace window kills the session, and the new token dies with it', async () => {
    // An instance whose grace window is 1 s, so the test need not wait out the default 5 s.
    const strict = await h.start({ REFRESH_REUSE_GRACE: '1' })
    const refresh = (refreshToken: string) =>
      strict.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/refresh', payload: { refreshToken } })
    const u = await register(strict.app)
    const rotated = json(await refresh(u.refreshToken))
    await sleep(1100)
    // The thief replays the old token
    expectProblem(await refresh(u.refreshToken), 401, 'refresh_token_reused')
    // The legitimate holder's new refresh token and access token are both dead now
    expectProblem(await refresh(rotated.refreshToken), 401, 'session_revoked')
    expectProblem(
      await strict.app.inject({ url: '/api/hearth/v1/users/me', headers: { authorization: `Bearer ${rotated.accessToken}` } }),
      401,
      'session_revoked',
    )
    expectProblem(await strict.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers }), 401, 'session_revoked')
  })

  it('within the grace window the old token gets its successor back, followed to the newest one', async () => {
    const u = await register(t.app)
    const first = json(await post('/api/hearth/v1/auth/refresh', { refreshToken: u.refreshToken }))
    // A retry after a lost response: the same successor, with a working access token.
    const retry = await post('/api/hearth/v1/auth/refresh', { refreshToken: u.refreshToken })
    expect(retry.statusCode, retry.body).toBe(200)
    expect(json(retry).refreshToken).toBe(first.refreshToken)
    expect(retry.cookies.find((c) => c.name === 'refresh_token')?.value).toBe(first.refreshToken)
    const me = await t.app.inject({ url: '/api/hearth/v1/users/me', headers: { authorization: `Bearer ${json(retry).accessToken}` } })
    expect(me.statusCode).toBe(200)
    // The client moved on meanwhile: a late copy of the first token gets the newest token, never an older one.
    const second = json(await post('/api/hearth/v1/auth/refresh', { refreshToken: first.refreshToken }))
    expect(json(await post('/api/hearth/v1/auth/refresh', { refreshToken: u.refreshToken })).refreshToken).toBe(second.refreshToken)
    expect((await post('/api/hearth/v1/auth/refresh', { refreshToken: second.refreshToken })).statusCode).toBe(200)
  })

  it('accepts the refresh token from the httpOnly cookie', async () => {
    const u = await register(t.app)
    const res = await t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/refresh', cookies: { refresh_token: u.refreshToken } })
    expect(res.statusCode).toBe(200)
  })

  it('refuses a forged token without touching the session', async () => {
    const u = await register(t.app)
    const [sid] = u.refreshToken.split('.')
    expectProblem(await post('/api/hearth/v1/auth/refresh', { refreshToken: `${sid}.${'A'.repeat(43)}` }), 401, 'refresh_token_invalid')
    expectProblem(await post('/api/hearth/v1/auth/refresh', { refreshToken: 'garbage' }), 401, 'refresh_token_invalid')
    expectProblem(await post('/api/hearth/v1/auth/refresh', {}), 401, 'refresh_token_missing')
    // the real one still works
    expect((await post('/api/hearth/v1/auth/refresh', { refreshToken: u.refreshToken })).statusCode).toBe(200)
  })

  it('8 concurrent refreshes with one token: all 200 with one successor, and the session lives', async () => {
    const u = await register(t.app)
    const results = await Promise.all(
      Array.from({ length: 8 }, () => post('/api/hearth/v1/auth/refresh', { refreshToken: u.refreshToken })),
    )
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200))
    const successors = new Set(results.map((r) => json(r).refreshToken))
    expect(successors.size).toBe(1)
    for (const r of results) {
      const me = await t.app.inject({ url: '/api/hearth/v1/users/me', headers: { authorization: `Bearer ${json(r).accessToken}` } })
      expect(me.statusCode).toBe(200)
    }
    const [successor] = successors
    expect((await post('/api/hearth/v1/auth/refresh', { refreshToken: successor })).statusCode).toBe(200)
  })
})

describe('sessions', () => {
  it('logout ends the session at once', async () => {
    const u = await register(t.app)
    const out = await post('/api/hearth/v1/auth/logout', undefined, u.headers)
    expect(out.statusCode).toBe(204)
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers }), 401, 'session_revoked')
    expectProblem(await post('/api/hearth/v1/auth/refresh', { refreshToken: u.refreshToken }), 401, 'session_revoked')
  })

  it('lists the caller’s devices and revokes one or all others', async () => {
    const u = await register(t.app, {}, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', 'x-device-fingerprint': 'fp-1' })
    const phone = await login(t.app, u.user.username, u.password, { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1' })
    const tablet = await login(t.app, u.user.username, u.password)
    const list = json(await t.app.inject({ url: '/api/hearth/v1/auth/sessions', headers: u.headers })).items
    expect(list).toHaveLength(3)
    const current = list.find((s: any) => s.current)
    expect(current).toMatchObject({ device: 'Firefox on Linux', deviceFingerprint: 'fp-1', ipAddress: '127.0.0.1' })
    const phoneSession = list.find((s: any) => s.device === 'Safari on iOS')

    // Another user cannot revoke it
    const other = await register(t.app)
    expectProblem(
      await t.app.inject({ method: 'DELETE', url: `/api/hearth/v1/auth/sessions/${phoneSession.id}`, headers: other.headers }),
      404,
    )
    expect((await t.app.inject({ url: '/api/hearth/v1/users/me', headers: phone.headers })).statusCode).toBe(200)

    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/hearth/v1/auth/sessions/${phoneSession.id}`, headers: u.headers })).statusCode,
    ).toBe(204)
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/me', headers: phone.headers }), 401, 'session_revoked')

    const rest = await t.app.inject({ method: 'DELETE', url: '/api/hearth/v1/auth/sessions', headers: u.headers })
    expect(json(rest)).toEqual({ revoked: 1 })
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/me', headers: tablet.headers }), 401)
    expect((await t.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers })).statusCode).toBe(200)
  })

  it('changing the password ends every other session and needs the current password', async () => {
    const u = await register(t.app)
    const other = await login(t.app, u.user.username, u.password)
    const wrong = await post(
      '/api/hearth/v1/auth/password',
      { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' },
      u.headers,
    )
    expectProblem(wrong, 400, 'invalid_current_password')
    const weak = await post('/api/hearth/v1/auth/password', { currentPassword: u.password, newPassword: 'short' }, u.headers)
    expect(expectProblem(weak, 400, 'validation_failed').errors[0].field).toBe('newPassword')
    const ok = await post('/api/hearth/v1/auth/password', { currentPassword: u.password, newPassword: 'a brand new passphrase' }, u.headers)
    expect(ok.statusCode).toBe(204)
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/me', headers: other.headers }), 401, 'session_revoked')
    expect((await t.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers })).statusCode).toBe(200)
    await login(t.app, u.user.username, 'a brand new passphrase')
    expectProblem(await post('/api/hearth/v1/auth/login', { login: u.user.username, password: u.password }), 401)
  })

  it('simultaneous wrong current passwords: 10 are checked, the rest 429, and the right one after them is refused', async () => {
    const u = await register(t.app)
    const change = (currentPassword: string) =>
      post('/api/hearth/v1/auth/password', { currentPassword, newPassword: 'a brand new passphrase' }, u.headers)
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => change(`wrong current ${i}`)))
    expect(results.filter((r) => r.statusCode === 400)).toHaveLength(10)
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(30)
    expectProblem(await change(u.password), 429, 'rate_limited')
  })

  it('refuses every session route to anonymous callers', async () => {
    for (const [method, url] of [
      ['GET', '/api/hearth/v1/auth/sessions'],
      ['DELETE', '/api/hearth/v1/auth/sessions'],
      ['DELETE', '/api/hearth/v1/auth/sessions/1'],
      ['POST', '/api/hearth/v1/auth/logout'],
      ['POST', '/api/hearth/v1/auth/password'],
      ['GET', '/api/hearth/v1/users/me'],
      ['PATCH', '/api/hearth/v1/users/me'],
    ] as const) {
      const res = await t.app.inject({ method, url, payload: method === 'POST' || method === 'PATCH' ? {} : undefined })
      expect([400, 401]).toContain(res.statusCode)
      if (method !== 'POST' && method !== 'PATCH') expectProblem(res, 401, 'unauthorized')
    }
  })

  it('refuses bad and expired access tokens clearly', async () => {
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/me', headers: { authorization: 'Bearer nope' } }), 401, 'token_invalid')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/me', headers: { authorization: 'Basic abc' } }), 401, 'token_invalid')
    const u = await register(t.app)
    const forged = u.accessToken.slice(0, -3) + (u.accessToken.endsWith('AAA') ? 'BBB' : 'AAA')
    expectProblem(
      await t.app.inject({ url: '/api/hearth/v1/users/me', headers: { authorization: `Bearer ${forged}` } }),
      401,
      'token_invalid',
    )
    const { SignJWT } = await import('jose')
    const [, payload] = u.accessToken.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
    const expired = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .setSubject(claims.sub)
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 1000)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 100)
      .sign(new TextEncoder().encode(t.ctx.config.jwtSecret))
    expectProblem(
      await t.app.inject({ url: '/api/hearth/v1/users/me', headers: { authorization: `Bearer ${expired}` } }),
      401,
      'token_expired',
    )
  })
})

describe('blocked users', () => {
  it('cannot sign in, refresh, or use an existing session', async () => {
    const u = await register(t.app)
    const { users } = await import('../../db/schema.js')
    const { eq } = await import('drizzle-orm')
    await t.ctx.database.db.update(users).set({ isBlocked: true }).where(eq(users.id, u.user.id))
    await t.services.auth.revokeAllSessions(u.user.id, 'blocked')
    expectProblem(await post('/api/hearth/v1/auth/login', { login: u.user.username, password: u.password }), 403, 'account_blocked')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers }), 401, 'session_revoked')
    expectProblem(await post('/api/hearth/v1/auth/refresh', { refreshToken: u.refreshToken }), 401)
  })

  it('is refused even if a session somehow stayed active', async () => {
    const u = await register(t.app)
    const { users } = await import('../../db/schema.js')
    const { eq } = await import('drizzle-orm')
    await t.ctx.database.db.update(users).set({ isBlocked: true }).where(eq(users.id, u.user.id))
    expectProblem(await post('/api/hearth/v1/auth/refresh', { refreshToken: u.refreshToken }), 403, 'account_blocked')
  })
})
