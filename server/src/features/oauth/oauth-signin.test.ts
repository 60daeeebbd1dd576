// Signing in with Google (a real OpenID provider) and GitHub (a local server with GitHub's
// shapes): the callback cases that sign in or create, and every forged or failed callback.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectProblem, json, register } from '../../../test/helpers.js'
import { users } from '../../db/schema.js'
import {
  activeSessions,
  callback,
  expectLoginError,
  expectSignedIn,
  githubAccount,
  googleIdentity,
  linkCount,
  signIn,
  startOAuthFixture,
  toCallback,
  userCount,
  usersWithEmail,
  type OAuthFixture,
} from './test-fixture.js'

let f: OAuthFixture
beforeAll(async () => {
  f = await startOAuthFixture()
})
afterAll(async () => f.close())

describe('providers on offer', () => {
  it('lists the configured providers, and offers none without credentials', async () => {
    const res = await f.t.app.inject({ url: '/api/hearth/v1/auth/providers' })
    expect(json(res)).toEqual({
      providers: [
        { id: 'google', name: 'Google' },
        { id: 'github', name: 'GitHub' },
      ],
    })

    const bare = await f.h.start()
    expect(json(await bare.app.inject({ url: '/api/hearth/v1/auth/providers' }))).toEqual({ providers: [] })
    expectProblem(await bare.app.inject({ url: '/api/hearth/v1/auth/oauth/google' }), 404, 'not_found')
    expectProblem(await bare.app.inject({ url: '/api/hearth/v1/auth/oauth/gitlab' }), 400, 'validation_failed')
  })

  it('sends the browser to the provider with state, PKCE (S256) and, for Google, a nonce', async () => {
    const g = await f.t.app.inject({ url: '/api/hearth/v1/auth/oauth/google' })
    expect(g.statusCode).toBe(302)
    const url = new URL(String(g.headers.location))
    expect(url.origin).toBe(f.google.issuer)
    for (const p of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(p)).toMatch(/^[\w-]{43}$/)
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('scope')).toBe('openid email profile')
    expect(url.searchParams.get('redirect_uri')).toBe('http://localhost:3000/api/hearth/v1/auth/oauth/google/callback')

    const gh = new URL(String((await f.t.app.inject({ url: '/api/hearth/v1/auth/oauth/github' })).headers.location))
    expect(`${gh.origin}${gh.pathname}`).toBe(`${f.github.url}/login/oauth/authorize`)
    expect(gh.searchParams.get('code_challenge_method')).toBe('S256')
    expect(gh.searchParams.get('scope')).toBe('read:user user:email')
  })

  it('refuses a return path that leaves the web app', async () => {
    for (const returnTo of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      expectProblem(
        await f.t.app.inject({ url: `/api/hearth/v1/auth/oauth/google?returnTo=${encodeURIComponent(returnTo)}` }),
        400,
        'validation_failed',
      )
    }
  })
})

describe('case 4: a new person signs up through the provider', () => {
  it('Google: creates a passwordless account with a proven email, copies name and avatar, signs in', async () => {
    const id = googleIdentity(f, { email: 'Ada.Lovelace+x@Gmail.test', name: 'Ada Lovelace', sub: `sub-ada-${Date.now()}` })
    const res = await signIn(f, 'google', id.sub)
    const session = await expectSignedIn(f, res)
    expect(session.user).toMatchObject({
      email: 'ada.lovelace+x@gmail.test',
      emailVerified: true,
      hasPassword: false,
      displayName: 'Ada Lovelace',
      avatarUrl: 'https://img.example/g.png',
    })
    expect(session.user.username).toMatch(/^ada_lovelace_x(_\d+)?$/) // from the email, lower-cased
    const me = await f.t.app.inject({ url: '/api/hearth/v1/users/me', headers: session.headers })
    expect(json(me).id).toBe(session.user.id)
  })

  it('GitHub: the username comes from the login and is made unique', async () => {
    const taken = await register(f.t.app)
    const account = githubAccount(f, { login: taken.user.username.toUpperCase() })
    const session = await expectSignedIn(f, await signIn(f, 'github', account.login))
    // taken regardless of case, so the first numbered variant
    expect(session.user.username).toBe(`${account.login.slice(0, 24)}_2`)
    expect(session.user).toMatchObject({
      email: account.emails[0]!.email,
      emailVerified: true,
      hasPassword: false,
      displayName: 'Linus Example',
      avatarUrl: account.avatar_url,
    })
  })

  it('fits awkward provider names to the username rule', async () => {
    const a = githubAccount(f, { login: 'x' })
    const short = await expectSignedIn(f, await signIn(f, 'github', a.login))
    expect(short.user.username).toMatch(/^user_x(_\d+)?$/)
    const g = googleIdentity(f, { email: `${Date.now()}ç@gmail.test`.replace('ç', 'c'), name: 'José' })
    const s = await expectSignedIn(f, await signIn(f, 'google', g.sub))
    expect(s.user.username).toMatch(/^[A-Za-z0-9_]{3,30}$/)
  })

  it('GitHub: only a primary, verified address counts; without one nothing is created', async () => {
    const account = githubAccount(f, {
      emails: [
        { email: `primary-unverified-${Date.now()}@users.test`, primary: true, verified: false },
        { email: `secondary-verified-${Date.now()}@users.test`, primary: false, verified: true },
      ],
    })
    const before = await userCount(f)
    expectLoginError(await signIn(f, 'github', account.login), 'oauth_email_unverified')
    expect(await userCount(f)).toBe(before)
    expect(await usersWithEmail(f, account.emails[1]!.email)).toBe(0)
  })

  it('two concurrent first sign-ins of the same identity create exactly one account', async () => {
    const id = googleIdentity(f)
    const a = await toCallback(f, 'google', id.sub)
    const b = await toCallback(f, 'google', id.sub)
    const account = githubAccount(f)
    const c = await toCallback(f, 'github', account.login)
    const d = await toCallback(f, 'github', account.login)
    const results = await Promise.all([callback(f, a), callback(f, b), callback(f, c), callback(f, d)])
    const sessions = await Promise.all(results.map((r) => expectSignedIn(f, r)))
    expect(sessions[0].user.id).toBe(sessions[1].user.id)
    expect(sessions[2].user.id).toBe(sessions[3].user.id)
    expect(await usersWithEmail(f, id.email!)).toBe(1)
    expect(await usersWithEmail(f, account.emails[0]!.email)).toBe(1)
    expect(await linkCount(f, sessions[0].user.id)).toBe(1)
    expect(await linkCount(f, sessions[2].user.id)).toBe(1)
  })
})

describe('case 1: a known identity signs in', () => {
  it('signs in to the same account with a new session each time', async () => {
    const id = googleIdentity(f)
    const first = await expectSignedIn(f, await signIn(f, 'google', id.sub))
    // The provider may change the email; the identity (sub) is what counts.
    id.email = `changed-${Date.now()}@gmail.test`
    const second = await expectSignedIn(f, await signIn(f, 'google', id.sub))
    expect(second.user.id).toBe(first.user.id)
    expect(await activeSessions(f, first.user.id)).toBe(2)
    expect(await usersWithEmail(f, id.email)).toBe(0)
  })

  it('lands on the return path the web app asked for', async () => {
    const account = githubAccount(f)
    await expectSignedIn(f, await signIn(f, 'github', account.login, { query: '?returnTo=/settings/account' }), '/settings/account')
  })

  it('a blocked user cannot sign in through a provider', async () => {
    const account = githubAccount(f)
    const session = await expectSignedIn(f, await signIn(f, 'github', account.login))
    await f.t.ctx.database.db.update(users).set({ isBlocked: true }).where(eq(users.id, session.user.id))
    const sessionsBefore = await activeSessions(f, session.user.id)
    expectLoginError(await signIn(f, 'github', account.login), 'account_blocked')
    expect(await activeSessions(f, session.user.id)).toBe(sessionsBefore)
  })

  it('an account being deleted lands on /login with the token that cancels the deletion, and signs in once cancelled', async () => {
    const account = githubAccount(f)
    const session = await expectSignedIn(f, await signIn(f, 'github', account.login))
    // password-less: the sign-in a moment ago is recent enough
    const deleted = await f.t.app.inject({ method: 'DELETE', url: '/api/hearth/v1/users/me', headers: session.headers, payload: {} })
    expect(deleted.statusCode, deleted.body).toBe(202)
    const refused = await signIn(f, 'github', account.login)
    expect(refused.statusCode).toBe(302)
    const landing = new URL(String(refused.headers.location))
    expect(landing.pathname).toBe('/login')
    expect(landing.searchParams.get('error')).toBe('account_pending_deletion')
    expect(landing.searchParams.get('scheduledFor')).toBe(json(deleted).scheduledFor)
    expect(refused.cookies.find((c) => c.name === 'refresh_token')).toBeUndefined()
    expect(await activeSessions(f, session.user.id)).toBe(0)
    const cancel = await f.t.app.inject({
      method: 'POST',
      url: '/api/hearth/v1/users/me/deletion/cancel',
      payload: { cancelToken: landing.searchParams.get('cancelToken') },
    })
    expect(cancel.statusCode, cancel.body).toBe(200)
    const back = await expectSignedIn(f, await signIn(f, 'github', account.login))
    expect(back.user.id).toBe(session.user.id)
  })
})

describe('forged and failed callbacks end on /login?error=… and create nothing', () => {
  it('unknown, missing or foreign state', async () => {
    const id = googleIdentity(f)
    const at = await toCallback(f, 'google', id.sub)
    const before = await userCount(f)
    const forged = new URL(at.callbackUrl)
    forged.searchParams.set('state', 'x'.repeat(43))
    expectLoginError(await callback(f, { ...at, callbackUrl: forged }), 'oauth_state_invalid')
    forged.searchParams.delete('state')
    expectLoginError(await callback(f, { ...at, callbackUrl: forged }), 'oauth_state_invalid')
    // The right state in another browser (no binding cookie, or someone else's): refused, and the
    // real browser can still finish.
    expectLoginError(await f.t.app.inject({ url: at.callbackUrl.pathname + at.callbackUrl.search }), 'oauth_state_invalid')
    expectLoginError(await callback(f, { ...at, binding: 'y'.repeat(43) }), 'oauth_state_invalid')
    // the state of a Google flow on the GitHub callback
    const onGithub = new URL(at.callbackUrl)
    onGithub.pathname = onGithub.pathname.replace('google', 'github')
    expectLoginError(await callback(f, { ...at, callbackUrl: onGithub }), 'oauth_state_invalid')
    expect(await userCount(f)).toBe(before)
  })

  it('a replayed callback, and a used code replayed into a new flow', async () => {
    for (const provider of ['google', 'github'] as const) {
      const as = provider === 'google' ? googleIdentity(f).sub : githubAccount(f).login
      const at = await toCallback(f, provider, as)
      const session = await expectSignedIn(f, await callback(f, at))
      const count = await userCount(f)
      expectLoginError(await callback(f, at), 'oauth_state_invalid')

      const fresh = await toCallback(f, provider, as)
      const replayed = new URL(fresh.callbackUrl)
      replayed.searchParams.set('code', at.callbackUrl.searchParams.get('code')!)
      expectLoginError(await callback(f, { ...fresh, callbackUrl: replayed }), 'oauth_failed')
      expect(await userCount(f)).toBe(count)
      expect(await activeSessions(f, session.user.id)).toBe(1)
    }
  })

  it('an ID token with the wrong nonce', async () => {
    const id = googleIdentity(f)
    const at = await toCallback(f, 'google', id.sub, { tamper: (u) => u.searchParams.set('nonce', 'attacker-chosen-nonce-value') })
    expectLoginError(await callback(f, at), 'oauth_failed')
    expect(await usersWithEmail(f, id.email!)).toBe(0)
  })

  it('a response claiming another issuer, and a provider whose discovery names another issuer', async () => {
    const id = googleIdentity(f)
    const at = await toCallback(f, 'google', id.sub)
    expect(at.callbackUrl.searchParams.get('iss')).toBe(f.google.issuer)
    const mixedUp = new URL(at.callbackUrl)
    mixedUp.searchParams.set('iss', 'https://accounts.evil.example')
    expectLoginError(await callback(f, { ...at, callbackUrl: mixedUp }), 'oauth_failed')
    expect(await usersWithEmail(f, id.email!)).toBe(0)

    // Same server, reached under another name: its metadata's issuer does not match, so
    // openid-client refuses to trust it at all.
    const misnamed = await f.h.start({
      PUBLIC_URL: 'http://localhost:3000',
      GOOGLE_CLIENT_ID: f.google.clientId,
      GOOGLE_CLIENT_SECRET: f.google.clientSecret,
      GOOGLE_ISSUER: f.google.issuer.replace('127.0.0.1', 'localhost'),
    })
    expectLoginError(await misnamed.app.inject({ url: '/api/hearth/v1/auth/oauth/google' }), 'oauth_unavailable')
  })

  it('the provider reports an error', async () => {
    const at = await toCallback(f, 'google', googleIdentity(f).sub)
    const denied = new URL(at.callbackUrl)
    denied.searchParams.delete('code')
    denied.searchParams.set('error', 'access_denied')
    const before = await userCount(f)
    expectLoginError(await callback(f, { ...at, callbackUrl: denied }), 'oauth_denied')

    const at2 = await toCallback(f, 'google', googleIdentity(f).sub)
    const broken = new URL(at2.callbackUrl)
    broken.searchParams.delete('code')
    broken.searchParams.set('error', 'server_error')
    expectLoginError(await callback(f, { ...at2, callbackUrl: broken }), 'oauth_provider_error')

    f.github.denyWith = 'access_denied'
    try {
      expectLoginError(await signIn(f, 'github', githubAccount(f).login), 'oauth_denied')
    } finally {
      f.github.denyWith = undefined
    }
    expect(await userCount(f)).toBe(before)
  })

  it('hostile query strings end on an error redirect or a 400, never a 5xx', async () => {
    const at = await toCallback(f, 'github', githubAccount(f).login)
    const before = await userCount(f)
    for (const query of [
      '?state=%%%&code=%00',
      '?code=a&code=b',
      `?state=${'s'.repeat(500)}`,
      '?error=<script>&state=x',
      '?iss=%FF&state=x&code=y',
    ]) {
      const res = await callback(f, { ...at, callbackUrl: new URL(`${at.callbackUrl.origin}${at.callbackUrl.pathname}${query}`) })
      expect([302, 400], `${query} → ${res.statusCode} ${res.body}`).toContain(res.statusCode)
      if (res.statusCode === 302) expectLoginError(res, 'oauth_state_invalid')
    }
    for (const query of ['?intent=%%%', `?intent=${'i'.repeat(101)}`, '?returnTo=%0d%0aSet-Cookie:x=y', '?link=maybe']) {
      const res = await f.t.app.inject({ url: `/api/hearth/v1/auth/oauth/google${query}`, cookies: { oauth_binding: '<bad>' } })
      expect([302, 400], `${query} → ${res.statusCode} ${res.body}`).toContain(res.statusCode)
    }
    expect(await userCount(f)).toBe(before)
    // the untouched flow still completes
    await expectSignedIn(f, await callback(f, at))
  })

  it('a provider that cannot be reached', async () => {
    const down = await f.h.start({
      PUBLIC_URL: 'http://localhost:3000',
      GOOGLE_CLIENT_ID: 'x',
      GOOGLE_CLIENT_SECRET: 'y',
      GOOGLE_ISSUER: 'http://127.0.0.1:9',
    })
    expectLoginError(await down.app.inject({ url: '/api/hearth/v1/auth/oauth/google' }), 'oauth_unavailable')
  })
})
