// The route walk of issue 13: every route of the OpenAPI document, as the blocked person, the
// blocker, a muter, a non-follower of a private account and anonymous, over a world where each of
// them has something they must not see (test-world.ts). Reads are scanned whole for hidden people,
// posts and comments; writes aimed at hidden things must be refused. The routes come from
// /api/openapi.json, so a route added later fails this suite until it is given a rule below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json, listen, type Harness, type TestApp } from '../../../test/helpers.js'
import { StreamClient, type ReceivedEvent } from '../../../test/stream-client.js'
import { api } from '../posts/test-support.js'
import {
  blockedEitherWay,
  buildWorld,
  emptyShown,
  expectCountersRight,
  hiddenFrom,
  PEOPLE,
  scan,
  seesPostsOf,
  type Hidden,
  type Person,
  type Shown,
  type Viewer,
  type World,
  WORLD_TAG,
} from './test-world.js'

const PREFIX = '/api/hearth/v1'

/** The people whose view must lack something, and anonymous. */
const VIEWERS: Viewer[] = ['blocked', 'blocker', 'muter', 'outsider', 'anonymous']
/** Viewers who see what the others must not: proof that the walk reaches the hidden things at all. */
const CONTROLS: Viewer[] = ['follower', 'third']

type Kind = 'user' | 'post' | 'comment' | 'conversation' | 'message'
type Target =
  | { kind: 'user'; person: Person; id: number }
  | { kind: 'post'; label: string; author: Person; id: number }
  | { kind: 'comment'; label: string; author: Person; post: string; id: number }
  | { kind: 'conversation' | 'message'; id: number }

interface Expected {
  status: number
  code?: string
}
const ok: Expected = { status: 200 }
const notFound: Expected = { status: 404, code: 'not_found' }
const unauthorized: Expected = { status: 401, code: 'unauthorized' }
const blocking: Expected = { status: 403, code: 'blocking' }
const privateAccount: Expected = { status: 403, code: 'private_account' }

interface Ctx {
  w: World
  v: Viewer
  target?: Target
}

type Rule =
  /** A read: walked for every target of its kind; the answer is scanned for what the viewer must not see. */
  | {
      walk: 'read'
      param?: Kind
      /** query strings to try (besides limit), e.g. each person's username */
      queries?: (w: World) => Record<string, string>[]
      expect: (c: Ctx) => Expected
      /** the blocker may see the blocked person here (their profile header, the block list, the relationship) */
      showsBlocked?: boolean
      /** the blocker and the blocked person keep their conversation's history (issue 13) */
      keepsConversation?: boolean
      /** a mute thins this list: the muted person's posts and actions are hidden from the muter */
      muteThinned?: 'posts' | 'actors'
    }
  /**
   * A write aimed at something (in the path, or in the body that `body` builds): refused when it is
   * hidden. `refusal` is null where the write is allowed.
   */
  | { walk: 'write'; param?: Kind; body?: (c: Ctx) => unknown; refusal: (c: Ctx) => Expected | null }
  /** Not walked: says why, and the test that covers it. */
  | { walk: 'none'; why: string }

const person = (c: Ctx) => (c.target as { person: Person }).person
const targetBlocksViewer = (c: Ctx) => c.v === 'blocked' && person(c) === 'blocker'
const viewerBlocksTarget = (c: Ctx) => c.v === 'blocker' && person(c) === 'blocked'
const postHidden = (c: Ctx) => hiddenFrom(c.w, c.v).posts.has(c.target!.id)
const commentHidden = (c: Ctx) => hiddenFrom(c.w, c.v).comments.has(c.target!.id)
const anonymousRefused = (c: Ctx, then: Expected): Expected => (c.v === 'anonymous' ? unauthorized : then)

/** A person's posts and lists: 404 to whom they block, 403 to whom blocks them, 403 when private and not followed. */
const personalList = (c: Ctx): Expected => {
  if (targetBlocksViewer(c)) return notFound
  if (viewerBlocksTarget(c)) return blocking
  return seesPostsOf(c.w, c.v, person(c)) ? ok : privateAccount
}
const profile = (c: Ctx): Expected => (targetBlocksViewer(c) ? notFound : ok)
const signedIn = (c: Ctx) => anonymousRefused(c, ok)
const admin = (c: Ctx): Expected => (c.v === 'anonymous' ? unauthorized : { status: 403, code: 'forbidden' })
const onHiddenPost = (c: Ctx) => (postHidden(c) ? notFound : null)
const onHiddenComment = (c: Ctx) => (commentHidden(c) ? notFound : null)
/** Acting on a person: refused as if they did not exist when they block the viewer. */
const onPersonBlockingViewer = (c: Ctx) => (targetBlocksViewer(c) ? notFound : null)
const content = () => ({ content: 'walked here' })
const mastodonWalk = 'the Mastodon-compatible API: walked by features/mastodon/mastodon-access.test.ts'
const MASTODON_ROUTES = [
  'POST /api/v1/apps',
  'GET /api/v1/apps/verify_credentials',
  'GET /oauth/authorize',
  'POST /oauth/token',
  'POST /oauth/revoke',
  'GET /.well-known/oauth-authorization-server',
  'GET /api/v2/instance',
  'GET /api/v1/instance',
  'GET /api/v1/instance/rules',
  'GET /api/v1/instance/peers',
  'GET /api/v1/instance/activity',
  'GET /api/v1/custom_emojis',
  'GET /.well-known/nodeinfo',
  'GET /nodeinfo/{version}',
  'GET /api/v1/accounts/verify_credentials',
  'GET /api/v1/accounts/lookup',
  'GET /api/v1/accounts/relationships',
  'GET /api/v1/accounts/{id}',
  'GET /api/v1/accounts/{id}/statuses',
  'POST /api/v1/accounts/{id}/follow',
  'POST /api/v1/accounts/{id}/unfollow',
  'POST /api/v1/statuses',
  'GET /api/v1/statuses/{id}',
  'DELETE /api/v1/statuses/{id}',
  'POST /api/v1/statuses/{id}/favourite',
  'POST /api/v1/statuses/{id}/unfavourite',
  'GET /api/v1/timelines/home',
  'GET /api/v1/timelines/public',
]
const ownOnly = 'acts on the caller’s own rows only (their sessions, notifications, account): nothing of anyone else comes back'
const authFlow = 'authentication flow: answers with tokens or redirects, never with other people'

/**
 * Every route of the OpenAPI document, by method and path (without the /api/hearth/v1 prefix).
 * A new route needs a line here saying what it returns and who may see it.
 */
const RULES: Record<string, Rule> = {
  'GET /healthz': { walk: 'read', expect: () => ok },
  'GET /readyz': { walk: 'read', expect: () => ok },

  'POST /auth/register': { walk: 'none', why: authFlow },
  'POST /auth/login': { walk: 'none', why: authFlow },
  'POST /auth/refresh': { walk: 'none', why: authFlow },
  'POST /auth/logout': { walk: 'none', why: authFlow },
  'POST /auth/password': { walk: 'none', why: ownOnly },
  'GET /auth/sessions': { walk: 'read', expect: signedIn },
  'DELETE /auth/sessions': { walk: 'none', why: ownOnly },
  'DELETE /auth/sessions/{id}': { walk: 'none', why: ownOnly },
  'POST /auth/email/verify-request': { walk: 'none', why: ownOnly },
  'POST /auth/email/verify': { walk: 'none', why: authFlow },
  'POST /auth/password/forgot': { walk: 'none', why: authFlow },
  'POST /auth/password/reset': { walk: 'none', why: authFlow },
  'POST /auth/email/change': { walk: 'none', why: ownOnly },
  'POST /auth/email/change/confirm': { walk: 'none', why: authFlow },
  'GET /auth/2fa': { walk: 'read', expect: signedIn },
  'POST /auth/2fa/totp/setup': { walk: 'none', why: `${ownOnly}; auth/two-factor.test.ts` },
  'POST /auth/2fa/totp/enable': { walk: 'none', why: `${ownOnly}; auth/two-factor.test.ts` },
  'DELETE /auth/2fa/totp': { walk: 'none', why: `${ownOnly}; auth/two-factor.test.ts` },
  'POST /auth/login/2fa': { walk: 'none', why: `${authFlow}; auth/two-factor.test.ts` },
  'GET /auth/providers': { walk: 'read', expect: () => ok },
  'GET /auth/oauth/links': { walk: 'read', expect: signedIn },
  'DELETE /auth/oauth/links/{provider}': { walk: 'none', why: ownOnly },
  'POST /auth/oauth/{provider}/link-intent': { walk: 'none', why: authFlow },
  'GET /auth/oauth/{provider}': { walk: 'none', why: authFlow },
  'GET /auth/oauth/{provider}/callback': { walk: 'none', why: authFlow },

  'GET /users/me': { walk: 'read', expect: signedIn },
  'PATCH /users/me': { walk: 'none', why: ownOnly },
  'PUT /users/me/avatar': { walk: 'none', why: ownOnly },
  'DELETE /users/me/avatar': { walk: 'none', why: ownOnly },
  'DELETE /users/me': { walk: 'none', why: 'deletes the caller’s own account (deletion.test.ts); walking it would delete the world' },
  'POST /users/me/deletion/cancel': { walk: 'none', why: authFlow },
  'GET /users/lookup': {
    walk: 'read',
    queries: (w) => PEOPLE.map((p) => ({ username: w.people[p].user.username })),
    // the person looked up is the one whose username it is
    expect: (c) => profile(c),
    showsBlocked: true,
  },
  'GET /users/{id}': { walk: 'read', param: 'user', expect: profile, showsBlocked: true },
  'GET /users': { walk: 'read', queries: (w) => PEOPLE.map((p) => ({ q: w.people[p].user.username })), expect: () => ok },
  'GET /users/{id}/posts': { walk: 'read', param: 'user', expect: personalList },
  'GET /users/{id}/followers': { walk: 'read', param: 'user', expect: personalList },
  'GET /users/{id}/following': { walk: 'read', param: 'user', expect: personalList },
  'GET /users/{id}/relationship': {
    walk: 'read',
    param: 'user',
    expect: (c) => anonymousRefused(c, profile(c)),
    showsBlocked: true,
  },
  'PUT /users/{id}/follow': {
    walk: 'write',
    param: 'user',
    refusal: (c) => (targetBlocksViewer(c) ? notFound : viewerBlocksTarget(c) ? blocking : null),
  },
  'DELETE /users/{id}/follow': { walk: 'write', param: 'user', refusal: onPersonBlockingViewer },
  'GET /follow-requests': { walk: 'read', expect: signedIn },
  'GET /follow-requests/count': { walk: 'read', expect: signedIn },
  'POST /follow-requests/{userId}/accept': {
    walk: 'write',
    param: 'user',
    refusal: (c) => (blockedEitherWay(c.v, person(c)) ? { status: 404, code: 'follow_request_not_found' } : null),
  },
  'POST /follow-requests/{userId}/reject': {
    walk: 'write',
    param: 'user',
    refusal: (c) => (blockedEitherWay(c.v, person(c)) ? { status: 404, code: 'follow_request_not_found' } : null),
  },
  'PUT /users/{id}/block': { walk: 'write', param: 'user', refusal: onPersonBlockingViewer },
  'DELETE /users/{id}/block': { walk: 'write', param: 'user', refusal: onPersonBlockingViewer },
  'PUT /users/{id}/mute': { walk: 'write', param: 'user', refusal: onPersonBlockingViewer },
  'DELETE /users/{id}/mute': { walk: 'write', param: 'user', refusal: onPersonBlockingViewer },
  'GET /blocks': { walk: 'read', expect: signedIn, showsBlocked: true },
  'GET /mutes': { walk: 'read', expect: signedIn },

  'POST /posts': { walk: 'none', why: 'creates the caller’s own post' },
  'GET /posts/{id}': { walk: 'read', param: 'post', expect: (c) => (postHidden(c) ? notFound : ok) },
  'PATCH /posts/{id}': { walk: 'write', param: 'post', body: content, refusal: onHiddenPost },
  'DELETE /posts/{id}': { walk: 'write', param: 'post', refusal: onHiddenPost },
  'PUT /posts/{id}/like': { walk: 'write', param: 'post', refusal: onHiddenPost },
  'DELETE /posts/{id}/like': { walk: 'write', param: 'post', refusal: onHiddenPost },
  'PUT /posts/{id}/bookmark': { walk: 'write', param: 'post', refusal: onHiddenPost },
  'DELETE /posts/{id}/bookmark': { walk: 'write', param: 'post', refusal: onHiddenPost },
  // the caller's own saves, hydrated through the page statement's visibility rule
  'GET /bookmarks': { walk: 'read', expect: signedIn },
  'GET /posts/{id}/likes': { walk: 'read', param: 'post', expect: (c) => (postHidden(c) ? notFound : ok) },
  'GET /posts/{id}/comments': { walk: 'read', param: 'post', expect: (c) => (postHidden(c) ? notFound : ok) },
  'POST /posts/{id}/comments': { walk: 'write', param: 'post', body: content, refusal: onHiddenPost },
  'GET /comments/{id}/replies': {
    walk: 'read',
    param: 'comment',
    // replies stay reachable under a hidden comment's placeholder, as under a deleted one's
    expect: (c) => (hiddenFrom(c.w, c.v).posts.has(c.w.posts[(c.target as { post: string }).post]!.id) ? notFound : ok),
  },
  'PATCH /comments/{id}': { walk: 'write', param: 'comment', body: content, refusal: onHiddenComment },
  'DELETE /comments/{id}': { walk: 'write', param: 'comment', refusal: onHiddenComment },
  'GET /feed': { walk: 'read', expect: signedIn, muteThinned: 'posts' },
  // every post of the world carries the walked tag, and everyone follows it (so GET /feed walks
  // the followed-tags branch too); a tag's header and trending name no one
  'GET /tags/{name}': { walk: 'read', expect: () => ok },
  'GET /tags/{name}/posts': { walk: 'read', expect: () => ok, muteThinned: 'posts' },
  'PUT /tags/{name}/follow': { walk: 'write', refusal: () => null },
  'DELETE /tags/{name}/follow': { walk: 'write', refusal: () => null },
  'GET /tags/trending': { walk: 'read', expect: () => ok },
  // ranked (the default, a snapshot shared by everyone, filtered per viewer) and newest first
  'GET /feed/explore': { walk: 'read', queries: () => [{ sort: 'ranked' }, { sort: 'recent' }], expect: () => ok, muteThinned: 'posts' },
  // every world caption holds "by"; every display name starts with "The"; anonymous may search
  'GET /search': {
    walk: 'read',
    queries: (w): Record<string, string>[] => [
      { q: 'by' },
      { q: 'The' },
      { q: 'by', type: 'posts' },
      { q: 'post by', type: 'posts' },
      { q: 'The', type: 'users' },
      { q: 'by', type: 'tags' },
      ...PEOPLE.map((p) => ({ q: w.people[p].user.username, type: 'users' })),
      ...PEOPLE.map((p) => ({ q: p, type: 'posts' })),
    ],
    expect: () => ok,
    muteThinned: 'posts',
  },

  'POST /reports': { walk: 'none', why: 'walked by its own test below (the target is in the body)' },

  'GET /admin/reports': { walk: 'read', expect: admin },
  'PATCH /admin/reports/{id}': { walk: 'none', why: 'administrators only (admin-access.test.ts walks every /admin route as a user)' },
  'GET /admin/users': { walk: 'read', expect: admin },
  'GET /admin/users/{id}': { walk: 'read', param: 'user', expect: admin },
  'PATCH /admin/users/{id}': { walk: 'none', why: 'administrators only (admin-access.test.ts)' },
  'POST /admin/users/{id}/block': { walk: 'none', why: 'administrators only (admin-access.test.ts)' },
  'DELETE /admin/users/{id}': { walk: 'none', why: 'administrators only (admin-access.test.ts, deletion.test.ts)' },
  'POST /admin/users/{id}/unblock': { walk: 'none', why: 'administrators only (admin-access.test.ts)' },
  'GET /admin/audit': { walk: 'read', expect: admin },
  'GET /admin/stats': { walk: 'read', expect: admin },
  'GET /admin/media/{*}': { walk: 'none', why: 'administrators only, photos by storage key (media tests)' },

  'GET /conversations': { walk: 'read', expect: signedIn, keepsConversation: true },
  'POST /conversations': {
    walk: 'write',
    param: 'user',
    body: (c) => ({ userId: c.target!.id }),
    // an existing conversation too: across a block it is read-only, not opened
    refusal: (c) => (targetBlocksViewer(c) ? notFound : viewerBlocksTarget(c) ? blocking : null),
  },
  'GET /conversations/{id}/messages': {
    walk: 'read',
    param: 'conversation',
    expect: (c) => anonymousRefused(c, c.v === 'blocked' || c.v === 'blocker' ? ok : { status: 404, code: 'not_found' }),
    keepsConversation: true,
  },
  'POST /conversations/{id}/messages': {
    walk: 'write',
    param: 'conversation',
    body: content,
    // the blocker's and the blocked person's conversation keeps its history and takes nothing new
    refusal: (c) => (c.v === 'blocker' || c.v === 'blocked' ? { status: 403, code: 'conversation_read_only' } : notFound),
  },
  'POST /conversations/{id}/read': { walk: 'none', why: ownOnly },
  'DELETE /messages/{id}': { walk: 'none', why: 'its sender only (messages.test.ts)' },
  'GET /messages/{id}/attachment': {
    walk: 'read',
    param: 'message',
    // the world's messages have no file: nobody gets anything, anonymous is asked to sign in
    expect: (c) => anonymousRefused(c, notFound),
  },

  // grouped=true: the bell's groups, with actors and the post each is about
  'GET /notifications': {
    walk: 'read',
    queries: () => [{ grouped: 'false' }, { grouped: 'true' }],
    expect: signedIn,
    muteThinned: 'actors',
  },
  'GET /notifications/unread-count': { walk: 'read', queries: () => [{ grouped: 'false' }, { grouped: 'true' }], expect: signedIn },
  // group=true marks the caller's own group read (grouped.test.ts)
  'POST /notifications/{id}/read': { walk: 'none', why: ownOnly },
  'POST /notifications/read-all': { walk: 'none', why: ownOnly },
  // the caller's own switches, per type and channel: no one else's rows, no people
  'GET /users/me/notification-settings': { walk: 'read', expect: signedIn },
  'PATCH /users/me/notification-settings': { walk: 'none', why: ownOnly },
  // no sign-in: the HMAC-signed token from the email names the user and the types it may turn
  // email off for, and shows nothing else (notifications/settings.test.ts: forged and altered tokens)
  'GET /notifications/unsubscribe': { walk: 'none', why: 'a page asking to confirm; the signed token is the authorisation' },
  'POST /notifications/unsubscribe': { walk: 'none', why: 'one-click unsubscribe; the signed token is the authorisation' },
  'GET /stream': { walk: 'none', why: 'a WebSocket: walked by the stream tests below' },

  'GET /apps/authorization': { walk: 'none', why: authFlow },
  'POST /apps/authorization': { walk: 'none', why: authFlow },

  // The Mastodon-compatible API (tags "mastodon: …"): its own tokens, scopes and error shape, so
  // its own walk (every route as anonymous, with a read-only, a revoked and an app-only token, and
  // as the blocked person, a stranger to a private account) in features/mastodon/mastodon-access.test.ts.
  ...Object.fromEntries(MASTODON_ROUTES.map((r) => [r, { walk: 'none', why: mastodonWalk }])),
}

let h: Harness
let t: TestApp
let w: World
let routes: { method: string; path: string; key: string; secured: boolean; paged: boolean }[]

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  w = await buildWorld(t)
  const doc = json(await t.app.inject({ method: 'GET', url: '/api/openapi.json' }))
  routes = []
  type Operation = { security?: unknown[]; parameters?: { in: string; name: string }[] }
  for (const [path, ops] of Object.entries<Record<string, Operation>>(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const key = `${method.toUpperCase()} ${path.startsWith(PREFIX) ? path.slice(PREFIX.length) : path}`
      const paged = (op.parameters ?? []).some((p) => p.in === 'query' && p.name === 'cursor')
      routes.push({ method: method.toUpperCase(), path, key, secured: (op.security?.length ?? 0) > 0, paged })
    }
  }
}, 120_000)
afterAll(async () => h.close())

function targets(kind: Kind | undefined): (Target | undefined)[] {
  switch (kind) {
    case undefined:
      return [undefined]
    case 'user':
      return PEOPLE.map((p) => ({ kind, person: p, id: w.id[p] }))
    case 'post':
      return Object.entries(w.posts).map(([label, p]) => ({ kind, label, author: p.author, id: p.id }))
    case 'comment':
      return Object.entries(w.comments).map(([label, c]) => ({ kind, label, author: c.author, post: c.post, id: c.id }))
    case 'conversation':
      return [{ kind, id: w.conversation.id }]
    case 'message':
      return w.conversation.messageIds.map((id) => ({ kind, id }))
  }
}

function fill(path: string, target: Target | undefined): string {
  const filled = path.replace(/\{(id|userId)\}/, () => String(target!.id)).replace('{name}', WORLD_TAG)
  if (/\{[^}]+\}/.test(filled)) throw new Error(`${path}: a path parameter the walk cannot fill`)
  return filled
}

function call(v: Viewer, method: string, url: string, payload?: unknown) {
  const headers = v === 'anonymous' ? {} : w.people[v].headers
  return t.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })
}

/** Every page of a list (or the one answer of anything else), scanned. */
async function readAll(v: Viewer, url: string, paged: boolean): Promise<{ status: number; code?: string; shown: Shown; body: unknown[] }> {
  const shown = emptyShown()
  const bodies: unknown[] = []
  const sep = url.includes('?') ? '&' : '?'
  let next: string | null = paged ? `${url}${sep}limit=100` : url
  let first: { status: number; code?: string } | undefined
  for (let pages = 0; next !== null && pages < 50; pages++) {
    const res = await call(v, 'GET', next)
    const body = res.headers['content-type']?.toString().includes('json') ? json(res) : res.body
    first ??= { status: res.statusCode, code: (body as { code?: string })?.code }
    bodies.push(body)
    scan(body, shown)
    const cursor = res.statusCode === 200 ? (body as { nextCursor?: string | null })?.nextCursor : null
    next = cursor ? `${url}${sep}limit=100&cursor=${encodeURIComponent(cursor)}` : null
  }
  return { ...first!, shown, body: bodies }
}

/** What `v` must not see on a route, given its rule. */
function forbiddenOn(v: Viewer, rule: Extract<Rule, { walk: 'read' }>): Hidden {
  const hidden = hiddenFrom(w, v)
  const users = new Set(hidden.users)
  if (v === 'blocker' && rule.showsBlocked) users.delete(w.id.blocked)
  if (rule.keepsConversation && (v === 'blocker' || v === 'blocked')) users.clear()
  const posts = new Set(hidden.posts)
  if (v === 'muter' && rule.muteThinned === 'posts') {
    for (const p of Object.values(w.posts)) if (p.author === 'muted') posts.add(p.id)
  }
  if (v === 'muter' && rule.muteThinned === 'actors') users.add(w.id.muted)
  return { users, posts, comments: hidden.comments }
}

function leaks(shown: Shown, hidden: Hidden): string[] {
  const found: string[] = []
  const name = (id: number) => PEOPLE.find((p) => w.id[p] === id) ?? `user ${id}`
  const postName = (id: number) => Object.entries(w.posts).find(([, p]) => p.id === id)?.[0] ?? `post ${id}`
  const commentName = (id: number) => Object.entries(w.comments).find(([, c]) => c.id === id)?.[0] ?? `comment ${id}`
  for (const id of shown.users) if (hidden.users.has(id)) found.push(`${name(id)} at ${shown.where.get(`users:${id}`)}`)
  for (const id of shown.posts) if (hidden.posts.has(id)) found.push(`${postName(id)} at ${shown.where.get(`posts:${id}`)}`)
  for (const id of shown.postRefs)
    if (hidden.posts.has(id)) found.push(`a reference to ${postName(id)} at ${shown.where.get(`postRefs:${id}`)}`)
  for (const id of shown.comments) if (hidden.comments.has(id)) found.push(`${commentName(id)} at ${shown.where.get(`comments:${id}`)}`)
  return found
}

interface ReadCase {
  key: string
  rule: Extract<Rule, { walk: 'read' }>
  url: string
  paged: boolean
  target?: Target
  label: string
}

/** Every read the walk makes: each GET route with each target of its kind and each query it names. */
function readCases(): ReadCase[] {
  const cases: ReadCase[] = []
  for (const r of routes) {
    const rule = RULES[r.key]
    if (rule?.walk !== 'read') continue
    for (const target of targets(rule.param)) {
      for (const query of rule.queries?.(w) ?? [undefined]) {
        const qs = query ? `?${new URLSearchParams(query).toString()}` : ''
        const about = query?.username ? lookupTarget(query.username) : target
        cases.push({
          key: r.key,
          rule,
          url: fill(r.path, target) + qs,
          paged: r.paged,
          target: about,
          label: `${r.key}${describeTarget(about)}${qs}`,
        })
      }
    }
  }
  return cases
}

function describeTarget(target: Target | undefined) {
  if (!target) return ''
  if (target.kind === 'user') return ` [${target.person}]`
  if (target.kind === 'post' || target.kind === 'comment') return ` [${target.label}]`
  return ` [${target.kind} ${target.id}]`
}

describe('the route walk', () => {
  it('has a rule for every route of the OpenAPI document, and no rule for a route that is gone', () => {
    const missing = routes.filter((r) => !(r.key in RULES)).map((r) => r.key)
    expect(
      missing,
      `routes the visibility walk does not know: add each to RULES in server/src/features/safety/visibility-walk.test.ts, saying what it returns and who may see it`,
    ).toEqual([])
    const known = new Set(routes.map((r) => r.key))
    expect(
      Object.keys(RULES).filter((k) => !known.has(k)),
      'RULES names routes that are gone',
    ).toEqual([])
  })

  it('shows nobody what is hidden from them on any read, and answers with the documented refusal', async () => {
    const failures: string[] = []
    for (const c of readCases()) {
      for (const v of VIEWERS) {
        const want = c.rule.expect({ w, v, target: c.target })
        const got = await readAll(v, c.url, c.paged)
        if (got.status !== want.status || (want.code !== undefined && got.code !== want.code)) {
          failures.push(`${c.label} as ${v}: expected ${want.status} ${want.code ?? ''}, got ${got.status} ${got.code ?? ''}`)
        }
        for (const leak of leaks(got.shown, forbiddenOn(v, c.rule))) failures.push(`${c.label} as ${v} shows ${leak}`)
      }
    }
    expect(failures).toEqual([])
  }, 300_000)

  it('reaches what it hides: the same reads show it to someone allowed to see it', async () => {
    const seen = emptyShown()
    for (const c of readCases()) for (const v of CONTROLS) scan((await readAll(v, c.url, c.paged)).body, seen)
    const hiddenSomewhere = emptyShown()
    for (const v of VIEWERS) {
      const hidden = hiddenFrom(w, v)
      hidden.users.forEach((id) => hiddenSomewhere.users.add(id))
      hidden.posts.forEach((id) => hiddenSomewhere.posts.add(id))
      hidden.comments.forEach((id) => hiddenSomewhere.comments.add(id))
    }
    for (const label of w.goneComments) hiddenSomewhere.comments.delete(w.comments[label]!.id)
    expect([...hiddenSomewhere.users].filter((id) => !seen.users.has(id))).toEqual([])
    expect([...hiddenSomewhere.posts].filter((id) => !seen.posts.has(id))).toEqual([])
    expect([...hiddenSomewhere.comments].filter((id) => !seen.comments.has(id))).toEqual([])
    // and the comments the block removed are shown to nobody
    for (const label of w.goneComments) expect(seen.comments.has(w.comments[label]!.id), label).toBe(false)
  }, 300_000)

  it('refuses every write aimed at something hidden, with the documented problem, and changes nothing', async () => {
    const failures: string[] = []
    for (const r of routes) {
      const rule = RULES[r.key]
      if (rule?.walk !== 'write') continue
      for (const v of VIEWERS) {
        if (v === 'anonymous') continue
        for (const target of targets(rule.param)) {
          const c: Ctx = { w, v, target }
          const want = rule.refusal(c)
          if (want === null) continue
          const res = await call(v, r.method, fill(r.path, target), rule.body?.(c))
          const label = `${r.key}${describeTarget(target)} as ${v}`
          const code = res.headers['content-type']?.toString().startsWith('application/problem+json') ? json(res).code : undefined
          if (res.statusCode !== want.status || code !== want.code) {
            failures.push(`${label}: expected ${want.status} ${want.code ?? ''}, got ${res.statusCode} ${res.body}`)
          }
        }
      }
    }
    expect(failures).toEqual([])
    await expectCountersRight(t, w)
  }, 300_000)

  it('asks anonymous callers to sign in on every route that needs it', async () => {
    const failures: string[] = []
    for (const r of routes) {
      const rule = RULES[r.key]
      if (!r.secured || !rule || rule.walk === 'none') continue
      const target = targets(rule.walk === 'read' || rule.walk === 'write' ? rule.param : undefined)[0]
      const res = await call(
        'anonymous',
        r.method,
        fill(r.path, target),
        rule.walk === 'write' ? rule.body?.({ w, v: 'anonymous', target }) : undefined,
      )
      if (res.statusCode !== 401) failures.push(`${r.key}: ${res.statusCode} ${res.body}`)
    }
    expect(failures).toEqual([])
  })

  it('keeps the counters right, and the badges count what the lists show', async () => {
    await expectCountersRight(t, w)
    const a = api(t)
    for (const v of [...VIEWERS, ...CONTROLS, 'owner' as const]) {
      if (v === 'anonymous') continue
      const notes = await a.all('/notifications', w.people[v], 100)
      const unread = json(await a.get('/notifications/unread-count', w.people[v])).count
      expect({ v, unread }).toEqual({ v, unread: notes.filter((n) => !n.isRead).length })
      const requests = await a.all('/follow-requests', w.people[v], 100)
      expect({ v, requests: json(await a.get('/follow-requests/count', w.people[v])).count }).toEqual({ v, requests: requests.length })
    }
  })
})

/** The person whose username a lookup asks for. */
function lookupTarget(username: string): Target {
  const p = PEOPLE.find((x) => w.people[x].user.username === username)!
  return { kind: 'user', person: p, id: w.id[p] }
}

describe('writes that name their target in the body', () => {
  it('refuse reports of what the reporter may not see, except what the reporter blocks', async () => {
    const failures: string[] = []
    for (const v of VIEWERS) {
      if (v === 'anonymous') continue
      const hidden = hiddenFrom(w, v)
      const bodies: [string, object, boolean][] = [
        ...PEOPLE.filter((p) => p !== v).map((p): [string, object, boolean] => [
          p,
          { userId: w.id[p] },
          blockedEitherWay(v, p) && v === 'blocked',
        ]),
        ...Object.entries(w.posts).map(([l, p]): [string, object, boolean] => [
          l,
          { postId: p.id },
          hidden.posts.has(p.id) && v !== 'blocker',
        ]),
        ...Object.entries(w.comments).map(([l, c]): [string, object, boolean] => [
          l,
          { commentId: c.id },
          hidden.comments.has(c.id) && v !== 'blocker' && !w.goneComments.includes(l),
        ]),
      ]
      for (const [label, target, refused] of bodies) {
        if (!refused) continue
        const res = await call(v, 'POST', `${PREFIX}/reports`, { reason: 'harassment', ...target })
        if (res.statusCode !== 404 || json(res).code !== 'not_found')
          failures.push(`report ${label} as ${v}: ${res.statusCode} ${res.body}`)
      }
    }
    expect(failures).toEqual([])
  })
})

describe('the realtime stream', () => {
  let base: string
  beforeAll(async () => {
    base = await listen(t)
  })

  const fromActor = (events: ReceivedEvent[], actorId: number) =>
    events.filter((e) => e.type === 'notification.created' && e.data.notification?.actor?.id === actorId)

  it('delivers nothing across the block, live or on catching up, either way', async () => {
    const a = api(t)
    const stream = await StreamClient.connect(base, w.people.blocker.accessToken)
    // what the blocked person may still try, all refused
    expect((await a.put(`/posts/${w.posts.blockerPost2!.id}/like`, w.people.blocked)).statusCode).toBe(404)
    expect((await a.post(`/posts/${w.posts.blockerPost2!.id}/comments`, w.people.blocked, { content: 'hey' })).statusCode).toBe(404)
    expect((await a.put(`/users/${w.id.blocker}/follow`, w.people.blocked)).statusCode).toBe(404)
    // the third person's like comes after them: anything they caused would have arrived first
    await a.put(`/posts/${w.posts.blockerPost2!.id}/like`, w.people.third)
    await stream.next((e) => e.type === 'notification.created' && e.data.notification?.actor?.id === w.id.third)
    expect(fromActor(stream.events, w.id.blocked)).toEqual([])
    await stream.close()
    // clients catching up from the start of their history get nothing of the other, nor about
    // the other's posts (the notifications the block deleted)
    for (const [who, other] of [
      ['blocker', 'blocked'],
      ['blocked', 'blocker'],
    ] as const) {
      const replay = await StreamClient.connect(base, w.people[who].accessToken, { since: 0 })
      const hidden = hiddenFrom(w, who)
      const notes = replay.ofType('notification.created').map((e) => e.data.notification)
      expect(notes.length, `${who} has notifications to replay`).toBeGreaterThan(0)
      expect(notes.filter((n) => n.actor?.id === w.id[other] || hidden.posts.has(n.postId))).toEqual([])
      await replay.close()
    }
  })

  it('delivers nothing from the muted person to the muter', async () => {
    const a = api(t)
    const stream = await StreamClient.connect(base, w.people.muter.accessToken)
    await a.comment(w.people.muted, w.posts.muterPost!.id, 'still here')
    await a.del(`/posts/${w.posts.muterPost!.id}/like`, w.people.muted)
    await a.put(`/posts/${w.posts.muterPost!.id}/like`, w.people.muted)
    await a.put(`/posts/${w.posts.muterPost!.id}/like`, w.people.third)
    await stream.next((e) => e.type === 'notification.created' && e.data.notification?.actor?.id === w.id.third)
    expect(fromActor(stream.events, w.id.muted)).toEqual([])
    await stream.close()
  })
})
