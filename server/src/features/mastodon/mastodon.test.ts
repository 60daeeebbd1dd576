// The Mastodon-compatible API driven by a real Mastodon client library (masto) over a real socket:
// app registration, the authorization-code flow with PKCE through Hearth's sign-in and consent
// endpoints, tokens as Hearth sessions (listed, revocable), scopes, statuses, favourites, the
// home timeline paged by Link headers, and the entities' shapes as Mastodon documents them.
import { createHash, randomBytes } from 'node:crypto'
import { createOAuthAPIClient, createRestAPIClient, MastoHttpError, type mastodon } from 'masto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT_ADMIN } from '../admin/test-fixtures.js'
import { createHarness, json, listen, login, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { api } from '../posts/test-support.js'
import {
  Account,
  CredentialAccount,
  CredentialApplication,
  expectEntity,
  InstanceV1,
  InstanceV2,
  NodeInfo,
  Relationship,
  Status,
  Token,
} from './test-entities.js'

const REDIRECT = 'https://app.example/callback'

let h: Harness
let t: TestApp
let base: string
let alice: Session
let bob: Session
let carol: Session
let registered: mastodon.v1.Client

beforeAll(async () => {
  h = await createHarness()
  t = await h.start(ROOT_ADMIN)
  base = await listen(t)
  alice = await register(t.app, { displayName: 'Alice' })
  bob = await register(t.app)
  carol = await register(t.app)
  registered = await createRestAPIClient({ url: base }).v1.apps.create({
    clientName: 'Test App',
    redirectUris: `${REDIRECT} urn:ietf:wg:oauth:2.0:oob`,
    scopes: 'read write follow',
    website: 'https://app.example',
  })
}, 60_000)
afterAll(async () => h.close())

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** The whole authorization-code flow as an app and a browser do it, signed in as `who`. */
async function authorize(who: Session, scope = 'read write follow', redirectUri = REDIRECT) {
  const { verifier, challenge } = pkce()
  const state = randomBytes(8).toString('hex')
  const query = new URLSearchParams({
    client_id: registered.clientId!,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  // The authorization endpoint checks the request and hands the browser to the consent page.
  const start = await fetch(`${base}/oauth/authorize?${query}`, { redirect: 'manual' })
  expect(start.status).toBe(302)
  const consent = new URL(start.headers.get('location')!, base)
  expect(consent.pathname).toBe('/authorize-app')
  // The consent page (signed in through Hearth's own sign-in) asks what the app wants...
  const p = consent.searchParams
  const asks = await fetch(
    `${base}/api/hearth/v1/apps/authorization?${new URLSearchParams({ clientId: p.get('client_id')!, redirectUri: p.get('redirect_uri')!, scope: p.get('scope')! })}`,
    { headers: who.headers },
  )
  expect(asks.status).toBe(200)
  const shown = (await asks.json()) as { app: { name: string }; scopes: string[] }
  expect(shown.app.name).toBe('Test App')
  expect(shown.scopes).toEqual(scope.split(' '))
  // ...and the person approves.
  const approved = await fetch(`${base}/api/hearth/v1/apps/authorization`, {
    method: 'POST',
    headers: { ...who.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: p.get('client_id'),
      redirectUri: p.get('redirect_uri'),
      scope: p.get('scope'),
      state: p.get('state'),
      codeChallenge: p.get('code_challenge'),
      codeChallengeMethod: p.get('code_challenge_method'),
      approve: true,
    }),
  })
  expect(approved.status).toBe(200)
  const answer = (await approved.json()) as { redirectUrl: string | null; code: string | null }
  let code: string
  if (redirectUri === REDIRECT) {
    const back = new URL(answer.redirectUrl!)
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT)
    expect(back.searchParams.get('state')).toBe(state)
    code = back.searchParams.get('code')!
  } else {
    expect(answer.redirectUrl).toBeNull()
    code = answer.code!
  }
  const token = await createOAuthAPIClient({ url: base }).token.create({
    grantType: 'authorization_code',
    clientId: registered.clientId!,
    clientSecret: registered.clientSecret!,
    redirectUri,
    code,
    scope,
    // masto's types omit PKCE's parameter; it sends every parameter given (snake_cased).
    ...{ codeVerifier: verifier },
  })
  return token as typeof token & { refreshToken?: string }
}

const client = (accessToken: string) => createRestAPIClient({ url: base, accessToken })

/** The raw JSON of a route (masto hands back camelCased keys; the shapes are checked on the wire). */
async function raw(path: string, accessToken?: string): Promise<any> {
  const res = await fetch(`${base}${path}`, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} })
  expect(res.status, `${path}: ${res.status}`).toBe(200)
  return res.json()
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise
    return 200
  } catch (e) {
    if (e instanceof MastoHttpError) return e.statusCode
    throw e
  }
}

describe('signing in an app', () => {
  it('registers an app, authorizes it with PKCE, and its token acts for the person', async () => {
    const form = await fetch(`${base}/api/v1/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Shape', redirect_uris: REDIRECT, scopes: 'read' }),
    })
    expectEntity(CredentialApplication, await form.json(), 'Application')
    const token = await authorize(alice)
    expect(token.scope).toBe('read write follow')
    const me = await client(token.accessToken).v1.accounts.verifyCredentials()
    expect(me).toMatchObject({ id: String(alice.user.id), username: alice.user.username, displayName: 'Alice', locked: false })
    expectEntity(CredentialAccount, await raw('/api/v1/accounts/verify_credentials', token.accessToken), 'CredentialAccount')
    const app = await client(token.accessToken).v1.apps.verifyCredentials()
    expect(app.name).toBe('Test App')
  })

  it('gives the code out of band to copy into the app', async () => {
    const token = await authorize(alice, 'read', 'urn:ietf:wg:oauth:2.0:oob')
    expect((await client(token.accessToken).v1.accounts.verifyCredentials()).id).toBe(String(alice.user.id))
  })

  it('refuses a wrong code verifier, a reused code and a redirect URI the app did not register', async () => {
    const { verifier, challenge } = pkce()
    const approve = (redirectUri: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/apps/authorization',
        headers: alice.headers,
        payload: { clientId: registered.clientId, redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256', approve: true },
      })
    const bad = await approve('https://evil.example/cb')
    expect(bad.statusCode).toBe(400)
    expect(
      (await t.app.inject({ method: 'GET', url: `/oauth/authorize?client_id=${registered.clientId}&redirect_uri=https://evil.example/cb` }))
        .statusCode,
    ).toBe(400)
    const codeOf = async () => new URL(json(await approve(REDIRECT)).redirectUrl).searchParams.get('code')!
    const exchange = (code: string, codeVerifier: string) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: {
          grant_type: 'authorization_code',
          client_id: registered.clientId,
          client_secret: registered.clientSecret,
          redirect_uri: REDIRECT,
          code,
          code_verifier: codeVerifier,
        },
      })
    // a wrong verifier is refused and uses the code up (no guessing online)
    const guessed = await codeOf()
    const wrong = await exchange(guessed, randomBytes(32).toString('base64url'))
    expect([wrong.statusCode, json(wrong).error]).toEqual([400, 'invalid_grant'])
    expect((await exchange(guessed, verifier)).statusCode).toBe(400)
    // a code works once
    const code = await codeOf()
    expect((await exchange(code, verifier)).statusCode).toBe(200)
    const reused = await exchange(code, verifier)
    expect([reused.statusCode, json(reused).error]).toEqual([400, 'invalid_grant'])
  })

  it('lists the app’s token among the person’s sessions, and revoking it there ends it', async () => {
    const token = await authorize(bob)
    const sessions = json(await t.app.inject({ method: 'GET', url: '/api/hearth/v1/auth/sessions', headers: bob.headers }))
    const listed = sessions.items.find((s: { device: string }) => s.device === 'Test App (app)')
    expect(listed).toBeDefined()
    const ended = await t.app.inject({ method: 'DELETE', url: `/api/hearth/v1/auth/sessions/${listed.id}`, headers: bob.headers })
    expect(ended.statusCode).toBe(204)
    expect(await status(client(token.accessToken).v1.accounts.verifyCredentials())).toBe(401)
  })

  it('revokes a token through /oauth/revoke', async () => {
    const token = await authorize(carol)
    expect(await status(client(token.accessToken).v1.accounts.verifyCredentials())).toBe(200)
    await createOAuthAPIClient({ url: base }).revoke({
      clientId: registered.clientId!,
      clientSecret: registered.clientSecret!,
      token: token.accessToken,
    })
    const res = await fetch(`${base}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${token.accessToken}` } })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: 'The access token is invalid' })
  })

  it('refreshes a token: the new one works, the old one no longer', async () => {
    const token = await authorize(carol)
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token.refreshToken!,
        client_id: registered.clientId!,
        client_secret: registered.clientSecret!,
      }).toString(),
    })
    expect(res.statusCode).toBe(200)
    const fresh = json(res)
    expectEntity(Token, fresh, 'Token')
    expect(fresh.scope).toBe('read write follow')
    expect(await status(client(fresh.access_token).v1.accounts.verifyCredentials())).toBe(200)
    expect(await status(client(token.accessToken).v1.accounts.verifyCredentials())).toBe(401)
    // the web app's refresh cannot turn it into an unscoped session
    const native = await t.app.inject({
      method: 'POST',
      url: '/api/hearth/v1/auth/refresh',
      payload: { refreshToken: fresh.refresh_token },
    })
    expect(native.statusCode).toBe(401)
  })

  it('gives an app-only token by client_credentials: it reads the app, not an account', async () => {
    const token = await createOAuthAPIClient({ url: base }).token.create({
      grantType: 'client_credentials',
      redirectUri: 'urn:ietf:wg:oauth:2.0:oob',
      clientId: registered.clientId!,
      clientSecret: registered.clientSecret!,
      scope: 'read',
    })
    expect((await client(token.accessToken).v1.apps.verifyCredentials()).name).toBe('Test App')
    expect(await status(client(token.accessToken).v1.accounts.verifyCredentials())).toBe(401)
  })

  it('keeps a read-only token from posting', async () => {
    const token = await authorize(alice, 'read')
    const res = await fetch(`${base}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'not allowed' }),
    })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ error: 'This action is outside the authorized scopes' })
    expect(await status(client(token.accessToken).v1.statuses.create({ status: 'still not' }))).toBe(403)
  })

  it('ends the tokens of a person an administrator blocks', async () => {
    const dave = await register(t.app)
    const token = await authorize(dave)
    const admin = await login(t.app, ROOT_ADMIN.ADMIN_EMAIL, ROOT_ADMIN.ADMIN_PASSWORD)
    const blocked = await t.app.inject({
      method: 'POST',
      url: `/api/hearth/v1/admin/users/${dave.user.id}/block`,
      headers: admin.headers,
      payload: {},
    })
    expect(blocked.statusCode).toBe(200)
    expect(await status(client(token.accessToken).v1.accounts.verifyCredentials())).toBe(401)
  })
})

describe('statuses and timelines', () => {
  let token: string
  beforeAll(async () => {
    token = (await authorize(alice)).accessToken
  })

  it('posts, reads, favourites and deletes a status', async () => {
    const masto = client(token)
    const posted = await masto.v1.statuses.create({ status: 'Hello #hearth from @someone https://example.com/x', spoilerText: 'cw' })
    expectEntity(Status, await raw(`/api/v1/statuses/${posted.id}`, token), 'Status')
    expect(posted).toMatchObject({ account: { id: String(alice.user.id) }, sensitive: true, spoilerText: 'cw', visibility: 'public' })
    expect(posted.content).toContain('class="mention hashtag"')
    expect(posted.content).toContain('href="https://example.com/x"')
    expect(posted.tags).toEqual([{ name: 'hearth', url: expect.stringContaining('/tags/hearth') }])
    const liked = await client((await authorize(bob)).accessToken)
      .v1.statuses.$select(posted.id)
      .favourite()
    expect(liked).toMatchObject({ favourited: true, favouritesCount: 1 })
    const again = await masto.v1.statuses.$select(posted.id).fetch()
    expect(again).toMatchObject({ favourited: false, favouritesCount: 1 })
    const removed = await masto.v1.statuses.$select(posted.id).remove()
    expect(removed.text).toBe('Hello #hearth from @someone https://example.com/x')
    expect(await status(masto.v1.statuses.$select(posted.id).fetch())).toBe(404)
  })

  it('escapes HTML in content', async () => {
    const posted = await client(token).v1.statuses.create({ status: '<script>alert(1)</script> & "quotes"' })
    expect(posted.content).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</p>')
  })

  it('pages the home timeline to its end by Link headers, as the native feed orders it', async () => {
    const a = api(t)
    await a.follow(alice, bob.user.id)
    await a.follow(alice, carol.user.id)
    for (let i = 0; i < 7; i++) await a.createPost([alice, bob, carol][i % 3]!, `post ${i}`)
    const native = (await a.all('/feed', alice, 100)).map((p) => String(p.id))
    const seen: string[] = []
    let pages = 0
    for (const s of await raw('/api/v1/timelines/home?limit=3', token)) expectEntity(Status, s, 'Status')
    for await (const page of client(token).v1.timelines.home.list({ limit: 3 })) {
      seen.push(...page.map((s) => s.id))
      if (++pages > 20) break
    }
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual(native)
    expect(pages).toBeGreaterThan(2)
  })

  it('answers since_id with only newer statuses, and an unknown max_id with none', async () => {
    const masto = client(token)
    const [newest] = await masto.v1.timelines.home.list({ limit: 1 })
    const fresh = await api(t).createPost(bob, 'newer')
    const newer = await masto.v1.timelines.home.list({ sinceId: newest!.id })
    expect(newer.map((s) => s.id)).toEqual([String(fresh.id)])
    expect(await masto.v1.timelines.home.list({ maxId: '2000000000' })).toEqual([])
  })

  it('shows the public timeline to anyone', async () => {
    const list = await createRestAPIClient({ url: base }).v1.timelines.public.list({ limit: 5 })
    expect(list.length).toBe(5)
    for (const s of await raw('/api/v1/timelines/public?limit=5')) expectEntity(Status, s, 'Status')
  })
})

describe('accounts', () => {
  let token: string
  beforeAll(async () => {
    token = (await authorize(alice)).accessToken
  })

  it('shows accounts by id and by acct, with their statuses', async () => {
    const masto = client(token)
    const account = await masto.v1.accounts.$select(String(bob.user.id)).fetch()
    expectEntity(Account, await raw(`/api/v1/accounts/${account.id}`), 'Account')
    const host = new URL(t.ctx.config.publicUrl).host
    expect((await masto.v1.accounts.lookup({ acct: `${bob.user.username}@${host}` })).id).toBe(account.id)
    expect(await status(masto.v1.accounts.lookup({ acct: `${bob.user.username}@elsewhere.example` }))).toBe(404)
    const statuses = await masto.v1.accounts.$select(account.id).statuses.list({ limit: 40 })
    expect(statuses.length).toBeGreaterThan(0)
    expect(statuses.every((s) => s.account.id === account.id)).toBe(true)
    expect(await masto.v1.accounts.$select(account.id).statuses.list({ pinned: true })).toEqual([])
    expect(await status(masto.v1.accounts.$select('999999').fetch())).toBe(404)
    expect(await status(masto.v1.accounts.$select('abc').fetch())).toBe(404)
  })

  it('follows and unfollows, with a request for a private account', async () => {
    const masto = client(token)
    const quiet = await register(t.app)
    await t.app.inject({ method: 'PATCH', url: '/api/hearth/v1/users/me', headers: quiet.headers, payload: { isPrivate: true } })
    const open = await register(t.app)
    const followed = await masto.v1.accounts.$select(String(open.user.id)).follow()
    expect(followed).toMatchObject({ following: true, requested: false })
    const requested = await masto.v1.accounts.$select(String(quiet.user.id)).follow()
    expect(requested).toMatchObject({ following: false, requested: true })
    expect((await masto.v1.accounts.$select(String(quiet.user.id)).fetch()).locked).toBe(true)
    const rels = await masto.v1.accounts.relationships.fetch({ id: [String(open.user.id), String(quiet.user.id)] })
    expect(rels.map((r) => [r.id, r.following, r.requested])).toEqual([
      [String(open.user.id), true, false],
      [String(quiet.user.id), false, true],
    ])
    for (const r of await raw(`/api/v1/accounts/relationships?id[]=${open.user.id}&id[]=${quiet.user.id}`, token))
      expectEntity(Relationship, r, 'Relationship')
    expect(await masto.v1.accounts.$select(String(open.user.id)).unfollow()).toMatchObject({ following: false })
  })
})

describe('discovery and errors', () => {
  it('describes the server: instance v1 and v2, NodeInfo', async () => {
    const anon = createRestAPIClient({ url: base })
    const v2 = await anon.v2.instance.fetch()
    expect(v2.configuration.statuses.maxMediaAttachments).toBe(10)
    expect(v2.version).toMatch(/^4\.3\.0 \(compatible; Hearth /)
    expectEntity(InstanceV2, await raw('/api/v2/instance'), 'Instance')
    expect((await anon.v1.instance.fetch()).uri).toBe(new URL(t.ctx.config.publicUrl).host)
    expectEntity(InstanceV1, await raw('/api/v1/instance'), 'V1::Instance')
    expect(await anon.v1.customEmojis.list()).toEqual([])
    const links = (await (await fetch(`${base}/.well-known/nodeinfo`)).json()) as { links: { href: string }[] }
    for (const l of links.links) {
      // the links name PUBLIC_URL; the test server listens elsewhere
      const info = (await raw(new URL(l.href).pathname)) as { software: { name: string } }
      expectEntity(NodeInfo, info, 'NodeInfo')
      expect(info.software.name).toBe('hearth')
    }
    const meta = (await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>
    expect(meta).toMatchObject({ token_endpoint: `${t.ctx.config.publicUrl}/oauth/token`, code_challenge_methods_supported: ['S256'] })
  })

  it('answers errors as Mastodon does, and takes form-encoded bodies with id[] arrays', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/statuses/2000000000' })
    expect([missing.statusCode, json(missing)]).toEqual([404, { error: 'Record not found' }])
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/no_such_thing' })
    expect([unknown.statusCode, json(unknown)]).toEqual([404, { error: 'Record not found' }])
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/timelines/home' })
    expect([anonymous.statusCode, json(anonymous)]).toEqual([401, { error: 'The access token is invalid' }])
    const form = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'client_name=Form+App&redirect_uris=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&scopes=read+write',
    })
    expect(form.statusCode).toBe(200)
    expect(json(form)).toMatchObject({ name: 'Form App', scopes: ['read', 'write'] })
    const invalid = await t.app.inject({ method: 'POST', url: '/api/v1/apps', payload: { client_name: 'x', redirect_uris: 'not a uri' } })
    expect(invalid.statusCode).toBe(422)
    expect(typeof json(invalid).error).toBe('string')
    // the native API keeps problem+json
    const native = await t.app.inject({ method: 'GET', url: '/api/hearth/v1/posts/2000000000' })
    expect(native.headers['content-type']).toContain('application/problem+json')
  })
})
