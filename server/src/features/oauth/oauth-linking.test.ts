// Linking provider identities to accounts: on request of a signed-in user (case 2), by a
// verified email (case 3, with the pre-account takeover rule), and unlinking.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectProblem, json, login, register, type Session } from '../../../test/helpers.js'
import { users } from '../../db/schema.js'
import { linkToken } from '../auth/test-smtp-inbox.js'
import {
  callback,
  expectLoginError,
  expectSignedIn,
  githubAccount,
  googleIdentity,
  linkCount,
  PUBLIC_URL,
  signIn,
  startOAuthFixture,
  toCallback,
  verifiedAccount,
  type OAuthFixture,
} from './test-fixture.js'

let f: OAuthFixture
beforeAll(async () => {
  f = await startOAuthFixture()
})
afterAll(async () => f.close())

const links = async (s: Pick<Session, 'headers'>) =>
  json(await f.t.app.inject({ url: '/api/hearth/v1/auth/oauth/links', headers: s.headers })).items
const me = async (s: Pick<Session, 'headers'>) => f.t.app.inject({ url: '/api/hearth/v1/users/me', headers: s.headers })
const unlink = (s: Pick<Session, 'headers'> | undefined, provider: string) =>
  f.t.app.inject({ method: 'DELETE', url: `/api/hearth/v1/auth/oauth/links/${provider}`, headers: s?.headers })

/**
 * The browser way to link: ask for the one-time URL with the bearer token, then navigate to it.
 * Returns the URL's query and the browser's cookies after asking (the binding set on the answer).
 */
async function linkIntent(s: Pick<Session, 'headers'>, provider: 'google' | 'github', jar: Record<string, string> = {}) {
  const res = await f.t.app.inject({
    method: 'POST',
    url: `/api/hearth/v1/auth/oauth/${provider}/link-intent`,
    headers: s.headers,
    cookies: jar,
  })
  expect(res.statusCode, res.body).toBe(201)
  const { url, expiresIn } = json(res)
  expect(expiresIn).toBe(300)
  const parsed = new URL(url)
  expect(`${parsed.origin}${parsed.pathname}`).toBe(`${PUBLIC_URL}/api/hearth/v1/auth/oauth/${provider}`)
  const binding = res.cookies.find((c) => c.name === 'oauth_binding')
  expect(binding).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/hearth/v1/auth/oauth' })
  return { query: parsed.search, cookies: { ...jar, oauth_binding: binding!.value } }
}

function expectLinked(res: Awaited<ReturnType<typeof callback>>, provider: string, landing = '/') {
  expect(res.statusCode, res.body).toBe(302)
  expect(res.headers.location).toBe(`${PUBLIC_URL}${landing}?linked=${provider}`)
  // The user is already signed in; linking starts no session.
  expect(res.cookies.find((c) => c.name === 'refresh_token')).toBeUndefined()
}

describe('case 2: a signed-in user links a provider', () => {
  it('links through the one-time link-intent URL, then that identity signs in to the account', async () => {
    const u = await register(f.t.app)
    const account = githubAccount(f)
    const intent = await linkIntent(u, 'github')
    expectLinked(await signIn(f, 'github', account.login, intent), 'github')
    expect(await links(u)).toEqual([{ provider: 'github', name: 'GitHub', linkedAt: expect.any(String) }])
    const session = await expectSignedIn(f, await signIn(f, 'github', account.login))
    expect(session.user.id).toBe(u.user.id)

    // The URL works once.
    expectLoginError(
      await f.t.app.inject({ url: `/api/hearth/v1/auth/oauth/github${intent.query}`, cookies: intent.cookies }),
      'oauth_link_expired',
    )
  })

  it('an intent only works in the browser that asked for it: a URL sent to someone else links nothing', async () => {
    const attacker = await register(f.t.app)
    const victimsGithub = githubAccount(f)
    // The victim's browser has a binding cookie of its own (from an earlier flow).
    const victimJar = (await linkIntent(await register(f.t.app), 'google')).cookies
    // The attacker asks for an intent in their browser and sends its URL to the victim, whose
    // browser has a binding of its own, or none.
    for (const jar of [victimJar, {}]) {
      const sent = await linkIntent(attacker, 'github')
      f.github.nextLogin = victimsGithub.login // the victim is signed in at GitHub
      const res = await f.t.app.inject({ url: `/api/hearth/v1/auth/oauth/github${sent.query}`, cookies: jar })
      // Refused at once: the browser never reaches the provider, so no identity comes back to link.
      expect(expectProblem(res, 403, 'oauth_link_other_browser').detail).toMatch(/made in another browser, so nothing was linked/)
    }
    const page = await f.t.app.inject({
      url: `/api/hearth/v1/auth/oauth/github${(await linkIntent(attacker, 'github')).query}`,
      cookies: victimJar,
      headers: { accept: 'text/html,application/xhtml+xml' },
    })
    expect(page.statusCode).toBe(403)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body).toContain('made in another browser, so nothing was linked')
    expect(await links(attacker)).toEqual([])
    // The victim's GitHub is still theirs: signing in with it makes (or finds) the victim's own account.
    const victim = await expectSignedIn(f, await signIn(f, 'github', victimsGithub.login))
    expect(victim.user.id).not.toBe(attacker.user.id)
    expect(await links(attacker)).toEqual([])
  })

  it('links with a bearer token and ?link=true (non-browser clients), to a return path', async () => {
    const u = await register(f.t.app)
    const id = googleIdentity(f)
    expectLinked(await signIn(f, 'google', id.sub, { query: '?link=true&returnTo=/settings', headers: u.headers }), 'google', '/settings')
    expect((await links(u)).map((l: { provider: string }) => l.provider)).toEqual(['google'])
  })

  it('refuses anonymous link requests and intents made for another provider', async () => {
    expectProblem(await f.t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/oauth/github/link-intent' }), 401)
    expectProblem(await f.t.app.inject({ url: '/api/hearth/v1/auth/oauth/github?link=true' }), 401)
    const u = await register(f.t.app)
    const intent = await linkIntent(u, 'google')
    expectLoginError(
      await f.t.app.inject({ url: `/api/hearth/v1/auth/oauth/github${intent.query}`, cookies: intent.cookies }),
      'oauth_link_expired',
    )
  })

  it('an identity linked to another account: 409, and nothing changes', async () => {
    const account = githubAccount(f)
    const owner = await expectSignedIn(f, await signIn(f, 'github', account.login))
    const other = await register(f.t.app)

    const res = await signIn(f, 'github', account.login, await linkIntent(other, 'github'))
    expect(expectProblem(res, 409, 'oauth_identity_taken').detail).toMatch(/already linked to another/)
    const html = await callback(f, await toCallback(f, 'github', account.login, await linkIntent(other, 'github')), {
      accept: 'text/html,application/xhtml+xml',
    })
    expect(html.statusCode).toBe(409)
    expect(html.headers['content-type']).toMatch(/^text\/html/)
    expect(html.body).toContain('already linked to another Hearth account')

    expect(await linkCount(f, owner.user.id)).toBe(1)
    expect(await linkCount(f, other.user.id)).toBe(0)
    expect((await expectSignedIn(f, await signIn(f, 'github', account.login))).user.id).toBe(owner.user.id)
  })

  it('one identity per provider per account', async () => {
    const u = await register(f.t.app)
    expectLinked(await signIn(f, 'github', githubAccount(f).login, await linkIntent(u, 'github')), 'github')
    const second = githubAccount(f)
    expectProblem(await signIn(f, 'github', second.login, await linkIntent(u, 'github')), 409, 'oauth_provider_already_linked')
    expect(await linkCount(f, u.user.id)).toBe(1)
  })
})

describe('case 3: the provider verifies the email of an existing account', () => {
  it('an account whose email is proven: linked and signed in; its password and sessions stay', async () => {
    const u = await verifiedAccount(f)
    const id = googleIdentity(f, { email: u.user.email.toUpperCase() })
    const session = await expectSignedIn(f, await signIn(f, 'google', id.sub))
    expect(session.user).toMatchObject({ id: u.user.id, hasPassword: true, emailVerified: true })
    expect((await me(u)).statusCode).toBe(200)
    await login(f.t.app, u.user.username, u.password)
    expect((await links(u)).map((l: { provider: string }) => l.provider)).toEqual(['google'])
  })

  it('an email the provider has not verified never links (and no duplicate account is made)', async () => {
    const u = await verifiedAccount(f)
    const id = googleIdentity(f, { email: u.user.email, email_verified: false })
    expectLoginError(await signIn(f, 'google', id.sub), 'oauth_email_unverified')
    expect(await linkCount(f, u.user.id)).toBe(0)
    const unproven = await register(f.t.app)
    const id2 = googleIdentity(f, { email: unproven.user.email, email_verified: false })
    expectLoginError(await signIn(f, 'google', id2.sub), 'oauth_email_unverified')
    expect(json(await me(unproven))).toMatchObject({ hasPassword: true, emailVerified: false })
  })

  it('pre-account takeover: the proven owner of the email ends the squatter’s sessions, password and links', async () => {
    // Someone registers the victim's address (never proving it) and adds their own GitHub.
    const victimEmail = `victim-${Date.now()}@gmail.test`
    const squatter = await register(f.t.app, { email: victimEmail })
    const squattersGithub = githubAccount(f)
    expectLinked(await signIn(f, 'github', squattersGithub.login, await linkIntent(squatter, 'github')), 'github')

    // The real owner signs in with Google, which has verified the address.
    const owner = await expectSignedIn(f, await signIn(f, 'google', googleIdentity(f, { email: victimEmail }).sub))
    expect(owner.user).toMatchObject({ id: squatter.user.id, hasPassword: false, emailVerified: true })

    expectProblem(await me(squatter), 401, 'session_revoked')
    expectProblem(
      await f.t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/refresh', payload: { refreshToken: squatter.refreshToken } }),
      401,
    )
    expectProblem(
      await f.t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/auth/login',
        payload: { login: victimEmail, password: squatter.password },
      }),
      401,
      'invalid_credentials',
    )
    expect((await links(owner)).map((l: { provider: string }) => l.provider)).toEqual(['google'])
    // The squatter's GitHub no longer reaches the account.
    const squatterAgain = await expectSignedIn(f, await signIn(f, 'github', squattersGithub.login))
    expect(squatterAgain.user.id).not.toBe(squatter.user.id)
  })

  it('a blocked account is neither linked nor signed in to', async () => {
    const u = await verifiedAccount(f)
    await f.t.ctx.database.db.update(users).set({ isBlocked: true }).where(eq(users.id, u.user.id))
    expectLoginError(await signIn(f, 'google', googleIdentity(f, { email: u.user.email }).sub), 'account_blocked')
    expect(await linkCount(f, u.user.id)).toBe(0)
  })
})

describe('listing and unlinking', () => {
  it('unlinks when another way to sign in remains, never the last one', async () => {
    const account = githubAccount(f)
    const s = await expectSignedIn(f, await signIn(f, 'github', account.login))
    expect(expectProblem(await unlink(s, 'github'), 409, 'last_sign_in_method').detail).toMatch(/only way to sign in/)
    expect(await linkCount(f, s.user.id)).toBe(1)

    expectLinked(await signIn(f, 'google', googleIdentity(f).sub, { query: '?link=true', headers: s.headers }), 'google')
    expect((await unlink(s, 'github')).statusCode).toBe(204)
    expect((await links(s)).map((l: { provider: string }) => l.provider)).toEqual(['google'])
    expectProblem(await unlink(s, 'google'), 409, 'last_sign_in_method')
    expectProblem(await unlink(s, 'github'), 404, 'not_found')
  })

  it('a password account may unlink its only provider', async () => {
    const u = await register(f.t.app)
    expectLinked(await signIn(f, 'github', githubAccount(f).login, await linkIntent(u, 'github')), 'github')
    expect((await unlink(u, 'github')).statusCode).toBe(204)
    expect(await links(u)).toEqual([])
  })

  it('only the owner sees and unlinks its links', async () => {
    const a = await expectSignedIn(f, await signIn(f, 'github', githubAccount(f).login))
    const b = await register(f.t.app)
    expectProblem(await unlink(undefined, 'github'), 401)
    expectProblem(await f.t.app.inject({ url: '/api/hearth/v1/auth/oauth/links' }), 401)
    expectProblem(await unlink(b, 'github'), 404)
    expect(await links(b)).toEqual([])
    expect(await linkCount(f, a.user.id)).toBe(1)
  })
})

describe('password reset and links', () => {
  const resetBy = async (email: string, password: string) => {
    await f.t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/password/forgot', payload: { email } })
    const { token } = linkToken(await f.inbox.waitFor(email, /Reset your Hearth password/))
    const res = await f.t.app.inject({
      method: 'POST',
      url: '/api/hearth/v1/auth/password/reset',
      payload: { token, newPassword: password },
    })
    expect(res.statusCode, res.body).toBe(204)
  }

  it('a reset that first proves the email drops links made while it was unproven; a proven account keeps them', async () => {
    const unproven = await register(f.t.app)
    expectLinked(await signIn(f, 'github', githubAccount(f).login, await linkIntent(unproven, 'github')), 'github')
    await resetBy(unproven.user.email, 'brand new passphrase 1')
    expect(await linkCount(f, unproven.user.id)).toBe(0)

    const proven = await verifiedAccount(f)
    expectLinked(await signIn(f, 'github', githubAccount(f).login, await linkIntent(proven, 'github')), 'github')
    await resetBy(proven.user.email, 'brand new passphrase 2')
    expect(await linkCount(f, proven.user.id)).toBe(1)
  })
})
