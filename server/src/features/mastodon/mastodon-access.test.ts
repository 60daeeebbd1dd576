// The access walk of the Mastodon-compatible API (the native API's is safety/visibility-walk.test.ts):
// every route tagged "mastodon: …" in /api/openapi.json, anonymous, with a revoked, a read-only and
// an app-only token, and as people who must not see something (a blocked person, a stranger to a
// private account). A route added later is walked without being listed here.
import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { api } from '../posts/test-support.js'

let h: Harness
let t: TestApp
let app: { client_id: string; client_secret: string }
let routes: { method: string; path: string; scope: string | null }[]
const people: Record<'owner' | 'priv' | 'blocker' | 'blocked' | 'viewer', Session & { token: string }> = {} as never
const posts: Record<'owner' | 'priv' | 'blocker', number> = {} as never
let readOnly: string
let revoked: string
let appOnly: string

async function token(who: Session, scope: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const approved = await t.app.inject({
    method: 'POST',
    url: '/api/hearth/v1/apps/authorization',
    headers: who.headers,
    payload: {
      clientId: app.client_id,
      redirectUri: 'urn:ietf:wg:oauth:2.0:oob',
      scope,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      approve: true,
    },
  })
  const res = await t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: {
      grant_type: 'authorization_code',
      client_id: app.client_id,
      client_secret: app.client_secret,
      redirect_uri: 'urn:ietf:wg:oauth:2.0:oob',
      code: json(approved).code,
      code_verifier: verifier,
    },
  })
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`)
  return json(res).access_token
}

const call = (method: string, url: string, accessToken?: string) =>
  t.app.inject({
    method: method as 'GET',
    url,
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
  })

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/apps',
    payload: { client_name: 'Walker', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write follow' },
  })
  app = json(registered)
  const a = api(t)
  for (const p of ['owner', 'priv', 'blocker', 'blocked', 'viewer'] as const) {
    const s = await register(t.app)
    people[p] = { ...s, token: await token(s, 'read write follow') }
  }
  await a.patch('/users/me', people.priv, { isPrivate: true })
  for (const p of ['owner', 'priv', 'blocker'] as const) posts[p] = (await a.createPost(people[p], `a post by ${p}`)).id
  expect((await a.put(`/users/${people.blocked.user.id}/block`, people.blocker)).statusCode).toBe(204)
  readOnly = await token(people.viewer, 'read')
  revoked = await token(people.viewer, 'read write')
  const sessions = json(await a.get('/auth/sessions', people.viewer)).items as { id: number; current: boolean }[]
  // the newest app session is the one just made: end it as the person would in Settings
  const newest = sessions.filter((s) => !s.current).sort((x, y) => y.id - x.id)[0]!
  expect((await a.del(`/auth/sessions/${newest.id}`, people.viewer)).statusCode).toBe(204)
  appOnly = json(
    await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read' },
    }),
  ).access_token

  const doc = json(await t.app.inject({ method: 'GET', url: '/api/openapi.json' }))
  routes = []
  type Op = { tags?: string[]; security?: { mastodonOAuth?: string[] }[] }
  for (const [path, ops] of Object.entries<Record<string, Op>>(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!op.tags?.some((tg) => tg.startsWith('mastodon:'))) continue
      routes.push({ method: method.toUpperCase(), path, scope: op.security?.[0]?.mastodonOAuth?.[0] ?? null })
    }
  }
}, 120_000)
afterAll(async () => h.close())

/** The path with its parameter filled: accounts get a person, statuses a post. */
const fill = (path: string, target: { user: number; post: number }) =>
  path.replace('{version}', '2.0').replace('{id}', String(path.includes('/accounts/') ? target.user : target.post))

const expectMastodonError = (res: Awaited<ReturnType<typeof call>>, label: string) => {
  expect(String(res.headers['content-type']), label).toContain('application/json')
  expect(typeof json(res).error, `${label}: ${res.body}`).toBe('string')
}

describe('the Mastodon API walk', () => {
  it('finds the Mastodon routes in the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThan(20)
    expect(routes.filter((r) => r.scope !== null).length).toBeGreaterThan(5)
  })

  it('asks anonymous callers for a token on every route that needs one, and never fails with a 5xx', async () => {
    const failures: string[] = []
    const target = { user: people.owner.user.id, post: posts.owner }
    for (const r of routes) {
      const res = await call(r.method, fill(r.path, target))
      const label = `${r.method} ${r.path}`
      if (res.statusCode >= 500) failures.push(`${label}: ${res.statusCode}`)
      if (r.scope !== null && res.statusCode !== 401) failures.push(`${label}: ${res.statusCode} instead of 401`)
      if (res.statusCode >= 400) expectMastodonError(res, label)
    }
    expect(failures).toEqual([])
  })

  it('refuses a revoked token everywhere under /api, and an app-only token where a person is needed', async () => {
    const failures: string[] = []
    const target = { user: people.owner.user.id, post: posts.owner }
    for (const r of routes) {
      if (!r.path.startsWith('/api/')) continue
      const res = await call(r.method, fill(r.path, target), revoked)
      if (res.statusCode !== 401) failures.push(`revoked ${r.method} ${r.path}: ${res.statusCode}`)
      if (r.scope !== null && r.path !== '/api/v1/apps/verify_credentials') {
        const app = await call(r.method, fill(r.path, target), appOnly)
        if (app.statusCode !== 401) failures.push(`app-only ${r.method} ${r.path}: ${app.statusCode}`)
      }
    }
    expect(failures).toEqual([])
  })

  it('keeps a read-only token to reading', async () => {
    const failures: string[] = []
    const target = { user: people.owner.user.id, post: posts.owner }
    for (const r of routes) {
      if (r.scope === null) continue
      const res = await call(r.method, fill(r.path, target), readOnly)
      const writes = r.scope.startsWith('write') || r.scope === 'follow'
      if (writes && (res.statusCode !== 403 || json(res).error !== 'This action is outside the authorized scopes'))
        failures.push(`${r.method} ${r.path}: ${res.statusCode} ${res.body}`)
      if (!writes && res.statusCode >= 400) failures.push(`${r.method} ${r.path}: ${res.statusCode} ${res.body}`)
    }
    expect(failures).toEqual([])
  })

  it('hides the blocker from the blocked person, and a private account’s posts from a stranger', async () => {
    const failures: string[] = []
    const check = async (who: 'blocked' | 'viewer', owner: 'blocker' | 'priv') => {
      const token = people[who].token
      const target = { user: people[owner].user.id, post: posts[owner] }
      for (const r of routes) {
        if (!r.path.includes('{id}')) continue
        const res = await call(r.method, fill(r.path, target), token)
        const label = `${who} → ${owner}: ${r.method} ${r.path}`
        if (res.statusCode >= 500) failures.push(`${label}: ${res.statusCode}`)
        if (res.statusCode >= 400) expectMastodonError(res, label)
        const body = res.statusCode < 400 ? res.body : ''
        // nothing of the hidden post ever comes back
        if (body.includes(`a post by ${owner}`)) failures.push(`${label}: shows the post`)
        if (owner === 'blocker' && r.path.startsWith('/api/v1/accounts/{id}') && r.method === 'GET' && res.statusCode !== 404)
          failures.push(`${label}: ${res.statusCode} instead of 404`)
        if (r.path.startsWith('/api/v1/statuses/{id}') && res.statusCode !== 404)
          failures.push(`${label}: ${res.statusCode} instead of 404`)
      }
      for (const timeline of ['/api/v1/timelines/home', '/api/v1/timelines/public?limit=40']) {
        const res = await call('GET', timeline, token)
        if (res.body.includes(`a post by ${owner}`)) failures.push(`${who}: ${timeline} shows ${owner}'s post`)
      }
      const rels = await call('GET', `/api/v1/accounts/relationships?id[]=${people[owner].user.id}`, token)
      if (owner === 'blocker' && json(rels).length !== 0) failures.push(`${who}: relationships name the blocker`)
    }
    await check('blocked', 'blocker')
    await check('viewer', 'priv')
    expect(failures).toEqual([])
    // and the people themselves still see their own
    const own = await call('GET', `/api/v1/statuses/${posts.priv}`, people.priv.token)
    expect(own.statusCode).toBe(200)
  })
})
