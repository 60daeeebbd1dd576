import { generate } from 'otplib'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { findTotp, listSecurityEvents } from './two-factor-queries.js'

let h: Harness
let t: TestApp

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
})
afterAll(async () => h.close())
afterEach(() => {
  vi.useRealTimers()
})

const API = '/api/hearth/v1'
const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url: API + url, payload, headers })

/**
 * The code of the current 30-second step, or of the next one (`offset` 1). Only 0 and 1 are used:
 * should a step boundary pass before the server checks it, the code is still within its tolerance.
 */
const codeFor = (secret: string, offset: 0 | 1 = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * offset })

/** A 6-digit code that is none of the ones the server accepts now. */
async function wrongCode(secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const valid = new Set(await Promise.all([-60, -30, 0, 30, 60].map((d) => generate({ secret, epoch: now + d }))))
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0')
    if (!valid.has(candidate)) return candidate
  }
}

/** Registers an account and turns TOTP on with the current step's code. */
async function withTotp(): Promise<{ user: Session & { password: string }; secret: string; recoveryCodes: string[] }> {
  const user = await register(t.app)
  const setup = await call('POST', '/auth/2fa/totp/setup', undefined, user.headers)
  expect(setup.statusCode).toBe(200)
  const { secret } = json(setup)
  const enabled = await call('POST', '/auth/2fa/totp/enable', { code: await codeFor(secret) }, user.headers)
  expect(enabled.statusCode).toBe(200)
  return { user, secret, recoveryCodes: json(enabled).recoveryCodes }
}

async function challengeFor(user: { user: { username: string }; password: string }): Promise<string> {
  const res = await call('POST', '/auth/login', { login: user.user.username, password: user.password })
  return expectProblem(res, 401, 'two_factor_required').challenge
}

const sessionCount = async (headers: Record<string, string>) => json(await call('GET', '/auth/sessions', undefined, headers)).items.length

describe('setting up TOTP', () => {
  it('returns a secret and its otpauth URI, enables only with a right code, and gives ten recovery codes once', async () => {
    const user = await register(t.app)
    expect(json(await call('GET', '/auth/2fa', undefined, user.headers))).toEqual({
      enabled: false,
      pending: false,
      enabledAt: null,
      recoveryCodesRemaining: 0,
    })

    const first = json(await call('POST', '/auth/2fa/totp/setup', undefined, user.headers))
    expect(first.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(first.otpauthUri).toMatch(/^otpauth:\/\/totp\/Hearth:/)
    expect(first.otpauthUri).toContain(`secret=${first.secret}`)
    expect(json(await call('GET', '/auth/2fa', undefined, user.headers))).toMatchObject({ enabled: false, pending: true })

    // A new setup replaces the pending one: the first secret's codes no longer enable anything.
    const { secret } = json(await call('POST', '/auth/2fa/totp/setup', undefined, user.headers))
    expect(secret).not.toBe(first.secret)
    const stale = await call('POST', '/auth/2fa/totp/enable', { code: await codeFor(first.secret) }, user.headers)
    expect(expectProblem(stale, 400, 'invalid_code').errors).toEqual([{ field: 'code', message: 'is not correct' }])
    expectProblem(await call('POST', '/auth/2fa/totp/enable', { code: await wrongCode(secret) }, user.headers), 400, 'invalid_code')
    expectProblem(await call('POST', '/auth/2fa/totp/enable', { code: 'abcdef' }, user.headers), 400, 'invalid_code')
    expect(json(await call('GET', '/auth/2fa', undefined, user.headers)).enabled).toBe(false)

    // Stored encrypted: the database row does not contain the secret.
    const row = await findTotp(t.ctx.database.db, user.user.id)
    expect(row?.secretEncrypted).toMatch(/^v1\./)
    expect(row?.secretEncrypted).not.toContain(secret)

    const enabled = await call('POST', '/auth/2fa/totp/enable', { code: await codeFor(secret) }, user.headers)
    expect(enabled.statusCode).toBe(200)
    const { recoveryCodes } = json(enabled)
    expect(recoveryCodes).toHaveLength(10)
    expect(new Set(recoveryCodes).size).toBe(10)
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/)

    const status = json(await call('GET', '/auth/2fa', undefined, user.headers))
    expect(status).toMatchObject({ enabled: true, pending: false, recoveryCodesRemaining: 10 })
    expect(Date.parse(status.enabledAt)).not.toBeNaN()
    expect(JSON.stringify(status)).not.toContain(secret)

    expectProblem(await call('POST', '/auth/2fa/totp/setup', undefined, user.headers), 409, 'two_factor_already_enabled')
    expectProblem(
      await call('POST', '/auth/2fa/totp/enable', { code: await codeFor(secret, 1) }, user.headers),
      409,
      'two_factor_already_enabled',
    )
    const events = await listSecurityEvents(t.ctx.database.db, user.user.id)
    expect(events.map((e) => e.kind)).toEqual(['totp_enabled'])
  })

  it('refuses enabling without a setup, and every 2FA setting to anonymous callers', async () => {
    const user = await register(t.app)
    expectProblem(await call('POST', '/auth/2fa/totp/enable', { code: '123456' }, user.headers), 409, 'two_factor_not_set_up')
    expectProblem(await call('GET', '/auth/2fa'), 401)
    expectProblem(await call('POST', '/auth/2fa/totp/setup'), 401)
    expectProblem(await call('POST', '/auth/2fa/totp/enable', { code: '123456' }), 401)
    expectProblem(await call('DELETE', '/auth/2fa/totp', { code: '123456' }), 401)
  })
})

describe('signing in with TOTP', () => {
  it('answers a right password with a challenge and no session; the challenge and a code give the usual tokens', async () => {
    const { user, secret } = await withTotp()
    // The session open when 2FA was turned on stays open.
    expect(await sessionCount(user.headers)).toBe(1)

    const challenge = await challengeFor(user)
    expect(challenge).toMatch(/^\d+\./)
    expect(await sessionCount(user.headers)).toBe(1)

    const res = await call('POST', '/auth/login/2fa', { challenge, code: await codeFor(secret, 1) })
    expect(res.statusCode).toBe(200)
    const body = json(res)
    expect(body).toMatchObject({ user: { id: user.user.id }, tokenType: 'Bearer', expiresIn: 900 })
    expect(String(res.headers['set-cookie'])).toMatch(/refresh_token=.*HttpOnly.*SameSite=Strict/i)
    const me = await call('GET', '/users/me', undefined, { authorization: `Bearer ${body.accessToken}` })
    expect(json(me).id).toBe(user.user.id)
    expect(await sessionCount(user.headers)).toBe(2)
    // The refresh token works as a password sign-in's does.
    expect((await call('POST', '/auth/refresh', { refreshToken: body.refreshToken })).statusCode).toBe(200)
    // A wrong password is still just a wrong password.
    expectProblem(
      await call('POST', '/auth/login', { login: user.user.username, password: 'not the password' }),
      401,
      'invalid_credentials',
    )
  })

  it('accepts each code once (replay refused) and each challenge once', async () => {
    const { user, secret } = await withTotp()
    const code = await codeFor(secret, 1)
    const challenge = await challengeFor(user)
    expect((await call('POST', '/auth/login/2fa', { challenge, code })).statusCode).toBe(200)
    const again = await call('POST', '/auth/login/2fa', { challenge: await challengeFor(user), code })
    expect(expectProblem(again, 401, 'code_already_used').errors).toEqual([{ field: 'code', message: 'was already used' }])
    // The code the app showed when 2FA was turned on was used up by enabling.
    const enablingCode = await call('POST', '/auth/login/2fa', { challenge: await challengeFor(user), code: await codeFor(secret) })
    expect(enablingCode.statusCode).toBe(401)
    // The used challenge is refused, and does not consume the recovery code presented with it.
    expectProblem(await call('POST', '/auth/login/2fa', { challenge, recoveryCode: 'aaaa-bbbb-cccc' }), 401, 'challenge_expired')
  })

  it('refuses an expired or tampered challenge', async () => {
    const { user, recoveryCodes } = await withTotp()
    const challenge = await challengeFor(user)
    const [id, nonce, exp, sig] = challenge.split('.')
    const tampered = [Number(id) + 1, nonce, exp, sig].join('.')
    expectProblem(await call('POST', '/auth/login/2fa', { challenge: tampered, recoveryCode: recoveryCodes[0] }), 401, 'challenge_expired')
    const later = [id, nonce, Number(exp) + 600, sig].join('.')
    expectProblem(await call('POST', '/auth/login/2fa', { challenge: later, recoveryCode: recoveryCodes[0] }), 401, 'challenge_expired')

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5 * 60_000 + 1000 })
    expectProblem(await call('POST', '/auth/login/2fa', { challenge, recoveryCode: recoveryCodes[0] }), 401, 'challenge_expired')
    vi.useRealTimers()
    // Refused before the code was looked at: the recovery code is still there.
    expect(json(await call('GET', '/auth/2fa', undefined, user.headers)).recoveryCodesRemaining).toBe(10)
    expectProblem(await call('POST', '/auth/login/2fa', { challenge: 'nonsense', code: '123456' }), 401, 'challenge_expired')
  })

  it('kills a challenge after five wrong codes, and limits wrong codes per account', async () => {
    const { user, secret } = await withTotp()
    const challenge = await challengeFor(user)
    const wrong = await wrongCode(secret)
    for (let i = 0; i < 5; i++) {
      expectProblem(await call('POST', '/auth/login/2fa', { challenge, code: wrong }), 401, 'invalid_code')
    }
    expectProblem(await call('POST', '/auth/login/2fa', { challenge, code: await codeFor(secret, 1) }), 401, 'challenge_expired')

    // Five more on a fresh challenge reach the account's allowance (ten failures per window)...
    const second = await challengeFor(user)
    for (let i = 0; i < 5; i++) {
      expectProblem(await call('POST', '/auth/login/2fa', { challenge: second, code: wrong }), 401, 'invalid_code')
    }
    // ...after which even a right code waits: 429, on a new challenge too.
    const res = await call('POST', '/auth/login/2fa', { challenge: await challengeFor(user), code: await codeFor(secret, 1) })
    expectProblem(res, 429, 'rate_limited')
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('takes a recovery code once, in any case and without dashes, and records its use', async () => {
    const { user, recoveryCodes } = await withTotp()
    const code = recoveryCodes[3]!
    const typed = code.toUpperCase().replace(/-/g, ' ')
    const res = await call('POST', '/auth/login/2fa', { challenge: await challengeFor(user), recoveryCode: typed })
    expect(res.statusCode).toBe(200)
    expect(json(res).user.id).toBe(user.user.id)
    expect(json(await call('GET', '/auth/2fa', undefined, user.headers)).recoveryCodesRemaining).toBe(9)

    const reused = await call('POST', '/auth/login/2fa', { challenge: await challengeFor(user), recoveryCode: code })
    expect(expectProblem(reused, 401, 'invalid_code').errors).toEqual([{ field: 'recoveryCode', message: 'is not correct' }])
    const other = await call('POST', '/auth/login/2fa', { challenge: await challengeFor(user), recoveryCode: recoveryCodes[4] })
    expect(other.statusCode).toBe(200)
    const kinds = (await listSecurityEvents(t.ctx.database.db, user.user.id)).map((e) => e.kind)
    expect(kinds).toEqual(['recovery_code_used', 'recovery_code_used', 'totp_enabled'])
  })

  it('wants exactly one of a code and a recovery code', async () => {
    const { user, secret, recoveryCodes } = await withTotp()
    const challenge = await challengeFor(user)
    expectProblem(await call('POST', '/auth/login/2fa', { challenge }), 400, 'validation_failed')
    expectProblem(
      await call('POST', '/auth/login/2fa', { challenge, code: await codeFor(secret, 1), recoveryCode: recoveryCodes[0] }),
      400,
      'validation_failed',
    )
    expectProblem(await call('POST', '/auth/login/2fa', { code: '123456' }), 400, 'validation_failed')
  })
})

describe('turning TOTP off', () => {
  it('needs the password and a code; sessions stay, and sign-in asks for no code afterwards', async () => {
    const { user, secret } = await withTotp()
    const off = (body: object) => call('DELETE', '/auth/2fa/totp', body, user.headers)
    expectProblem(await off({ code: await codeFor(secret, 1) }), 400, 'validation_failed')
    expectProblem(await off({ password: 'not the password', code: await codeFor(secret, 1) }), 403, 'invalid_current_password')
    expectProblem(await off({ password: user.password }), 400, 'validation_failed')
    expectProblem(await off({ password: user.password, code: await wrongCode(secret) }), 400, 'invalid_code')
    expect(json(await call('GET', '/auth/2fa', undefined, user.headers)).enabled).toBe(true)

    expect((await off({ password: user.password, code: await codeFor(secret, 1) })).statusCode).toBe(204)
    expect(json(await call('GET', '/auth/2fa', undefined, user.headers))).toMatchObject({ enabled: false, recoveryCodesRemaining: 0 })
    expect(await findTotp(t.ctx.database.db, user.user.id)).toBeUndefined()
    expect((await call('GET', '/users/me', undefined, user.headers)).statusCode).toBe(200)
    const signIn = await call('POST', '/auth/login', { login: user.user.username, password: user.password })
    expect(signIn.statusCode).toBe(200)
    expectProblem(await off({ password: user.password, code: await codeFor(secret, 1) }), 409, 'two_factor_not_enabled')
    const kinds = (await listSecurityEvents(t.ctx.database.db, user.user.id)).map((e) => e.kind)
    expect(kinds).toEqual(['totp_disabled', 'totp_enabled'])
  })

  it('accepts a recovery code instead of a code, and a challenge issued before turning off dies', async () => {
    const { user, secret, recoveryCodes } = await withTotp()
    const challenge = await challengeFor(user)
    const res = await call('DELETE', '/auth/2fa/totp', { password: user.password, recoveryCode: recoveryCodes[0] }, user.headers)
    expect(res.statusCode).toBe(204)
    expectProblem(await call('POST', '/auth/login/2fa', { challenge, code: await codeFor(secret, 1) }), 401, 'challenge_expired')
  })
})
