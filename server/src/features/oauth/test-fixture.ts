// Shared setup for the OAuth suites: one app wired to a real OpenID provider (Google), the fake
// GitHub and a real SMTP inbox, plus a tiny "browser" that walks the redirects.
import { count, eq } from 'drizzle-orm'
import type { LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import { createHarness, json, register, uniqueName, type Harness, type TestApp } from '../../../test/helpers.js'
import { oauthProviders, users, userSessions } from '../../db/schema.js'
import { linkToken, startInbox, type Inbox } from '../auth/test-smtp-inbox.js'
import { startTestGithub, type GithubAccount, type TestGithub } from './test-github-fake.js'
import { startTestGoogle, type GoogleIdentity, type TestGoogle } from './test-google-idp.js'

export const PUBLIC_URL = 'http://localhost:3000'
const callbackPrefix = `${PUBLIC_URL}/api/hearth/v1/auth/oauth/`

export interface OAuthFixture {
  h: Harness
  t: TestApp
  google: TestGoogle
  github: TestGithub
  inbox: Inbox
  close(): Promise<void>
}

export async function startOAuthFixture(env: Record<string, string> = {}): Promise<OAuthFixture> {
  const google = await startTestGoogle([`${callbackPrefix}google/callback`])
  const github = await startTestGithub()
  const inbox = await startInbox()
  const h = await createHarness()
  const t = await h.start({
    PUBLIC_URL,
    GOOGLE_CLIENT_ID: google.clientId,
    GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_ISSUER: google.issuer,
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_AUTH_URL: github.url,
    GITHUB_API_URL: github.url,
    SMTP_URL: inbox.url,
    ...env,
  })
  return {
    h,
    t,
    google,
    github,
    inbox,
    async close() {
      await h.close()
      await Promise.all([google.close(), github.close(), inbox.close()])
    },
  }
}

// ---- people at the providers ----

export function googleIdentity(f: OAuthFixture, over: Partial<GoogleIdentity> = {}): GoogleIdentity {
  const name = uniqueName('g')
  const identity: GoogleIdentity = {
    sub: `sub-${name}`,
    email: `${name}@gmail.test`,
    email_verified: true,
    name: 'Grace Hopper',
    picture: 'https://img.example/g.png',
    ...over,
  }
  f.google.identities.set(identity.sub, identity)
  return identity
}

let githubIds = 1000
export function githubAccount(f: OAuthFixture, over: Partial<GithubAccount> = {}): GithubAccount {
  const login = over.login ?? uniqueName('gh')
  const account: GithubAccount = {
    id: ++githubIds + Math.floor(Math.random() * 1e6),
    login,
    name: 'Linus Example',
    avatar_url: `https://avatars.example/${login}.png`,
    emails: [{ email: `${login.toLowerCase()}@users.test`, primary: true, verified: true }],
    ...over,
  }
  f.github.accounts.set(login, account)
  return account
}

// ---- the browser ----

export interface AtCallback {
  callbackUrl: URL
  binding: string
}

/**
 * Starts the flow on the app and follows the provider's redirects (fresh provider cookies, so the
 * login step runs as `as`) until the browser would land on the app's callback.
 */
export async function toCallback(
  f: OAuthFixture,
  provider: 'google' | 'github',
  as: string,
  opts: {
    query?: string
    headers?: Record<string, string>
    /** the browser's cookies for the app (a link intent's binding) */
    cookies?: Record<string, string>
    tamper?: (providerUrl: URL) => void
  } = {},
): Promise<AtCallback> {
  if (provider === 'google') f.google.nextLogin = as
  else f.github.nextLogin = as
  const start = await f.t.app.inject({
    url: `/api/hearth/v1/auth/oauth/${provider}${opts.query ?? ''}`,
    headers: opts.headers,
    cookies: opts.cookies,
  })
  expect(start.statusCode, start.body).toBe(302)
  const binding = start.cookies.find((c) => c.name === 'oauth_binding')
  expect(binding).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/hearth/v1/auth/oauth' })
  let next = new URL(String(start.headers.location))
  opts.tamper?.(next)
  const jar = new Map<string, string>()
  for (let hop = 0; hop < 10; hop++) {
    if (next.href.startsWith(callbackPrefix)) return { callbackUrl: next, binding: binding!.value }
    const res = await fetch(next, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const at = pair!.indexOf('=')
      jar.set(pair!.slice(0, at), pair!.slice(at + 1))
    }
    const location = res.headers.get('location')
    if (!location) throw new Error(`the provider stopped at ${next.pathname} with ${res.status}: ${await res.text()}`)
    next = new URL(location, next)
  }
  throw new Error('too many redirects')
}

export function callback(f: OAuthFixture, at: AtCallback, headers: Record<string, string> = {}) {
  return f.t.app.inject({ url: at.callbackUrl.pathname + at.callbackUrl.search, cookies: { oauth_binding: at.binding }, headers })
}

export async function signIn(f: OAuthFixture, provider: 'google' | 'github', as: string, opts: Parameters<typeof toCallback>[3] = {}) {
  return callback(f, await toCallback(f, provider, as, opts))
}

export function expectLoginError(res: LightMyRequestResponse, code: string) {
  expect(res.statusCode, res.body).toBe(302)
  expect(res.headers.location).toBe(`${PUBLIC_URL}/login?error=${code}`)
  expect(res.cookies.find((c) => c.name === 'refresh_token')).toBeUndefined()
}

/** A successful callback: lands on the web app with the refresh cookie and nothing secret in the URL; the app then refreshes. */
export async function expectSignedIn(f: OAuthFixture, res: LightMyRequestResponse, landing = '/') {
  expect(res.statusCode, res.body).toBe(302)
  expect(res.headers.location).toBe(`${PUBLIC_URL}${landing}`)
  const cookie = res.cookies.find((c) => c.name === 'refresh_token')
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/hearth/v1/auth' })
  expect(String(res.headers.location)).not.toContain(cookie!.value)
  const refreshed = await f.t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/refresh', cookies: { refresh_token: cookie!.value } })
  expect(refreshed.statusCode, refreshed.body).toBe(200)
  const body = json(refreshed)
  return { ...body, headers: { authorization: `Bearer ${body.accessToken}` } }
}

// ---- what the database holds ----

export async function usersWithEmail(f: OAuthFixture, email: string) {
  const [row] = await f.t.ctx.database.db.select({ n: count() }).from(users).where(eq(users.email, email.toLowerCase()))
  return row!.n
}

export async function userCount(f: OAuthFixture) {
  const [row] = await f.t.ctx.database.db.select({ n: count() }).from(users)
  return row!.n
}

export async function linkCount(f: OAuthFixture, userId?: number) {
  const db = f.t.ctx.database.db
  const q = db.select({ n: count() }).from(oauthProviders)
  const [row] = await (userId === undefined ? q : q.where(eq(oauthProviders.userId, userId)))
  return row!.n
}

export async function activeSessions(f: OAuthFixture, userId: number) {
  const rows = await f.t.ctx.database.db.select().from(userSessions).where(eq(userSessions.userId, userId))
  return rows.filter((s) => s.isActive).length
}

/** Registers through the API and proves the email through the mailed link. */
export async function verifiedAccount(f: OAuthFixture) {
  const username = uniqueName('v')
  const account = await register(f.t.app, { username, email: `${username.toLowerCase()}@example.test` })
  const { token } = linkToken(await f.inbox.waitFor(account.user.email, /Confirm your email/))
  const res = await f.t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/email/verify', payload: { token } })
  expect(res.statusCode, res.body).toBe(204)
  return account
}
