import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createHarness,
  expectProblem,
  json,
  listen,
  login,
  register,
  sleep,
  uniqueName,
  type Harness,
  type Session,
  type TestApp,
} from '../../../test/helpers.js'
import { StreamClient } from '../../../test/stream-client.js'
import { adminAuditLog, users } from '../../db/schema.js'
import { insertPost, ROOT_ADMIN, userById } from './test-fixtures.js'

let h: Harness
let t: TestApp
let admin: Session

beforeAll(async () => {
  h = await createHarness()
  t = await h.start(ROOT_ADMIN)
  admin = await login(t.app, ROOT_ADMIN.ADMIN_EMAIL, ROOT_ADMIN.ADMIN_PASSWORD)
})
afterAll(async () => h.close())

const db = () => t.ctx.database.db
const list = (query: string, s: Session = admin) => t.app.inject({ url: `/api/hearth/v1/admin/users${query}`, headers: s.headers })
const act = (s: Session, id: number, what: 'block' | 'unblock') =>
  t.app.inject({ method: 'POST', url: `/api/hearth/v1/admin/users/${id}/${what}`, headers: s.headers })
const setRole = (s: Session, id: number, role: string) =>
  t.app.inject({ method: 'PATCH', url: `/api/hearth/v1/admin/users/${id}`, headers: s.headers, payload: { role } })
/** Runs `fn` on a network whose only admins are `ids`; the other admins get their role back afterwards. */
async function onlyAdmins(ids: number[], fn: () => Promise<void>) {
  const others = (await db().select({ id: users.id }).from(users).where(eq(users.role, 'admin')))
    .map((u) => u.id)
    .filter((id) => !ids.includes(id))
  await db().update(users).set({ role: 'user' }).where(inArray(users.id, others))
  try {
    await fn()
  } finally {
    await db().update(users).set({ role: 'admin' }).where(inArray(users.id, others))
  }
}
const me = (s: Session) => t.app.inject({ url: '/api/hearth/v1/users/me', headers: s.headers })

/** A second admin, promoted through the API. */
async function newAdmin(): Promise<Session & { password: string }> {
  const u = await register(t.app)
  expect((await setRole(admin, u.user.id, 'admin')).statusCode).toBe(200)
  return u
}

describe('GET /admin/users', () => {
  it('searches by username, email or display-name prefix in any case, with role, standing, dates and counts', async () => {
    const tag = uniqueName('zq').toLowerCase()
    const a = await register(t.app, { username: `${tag}_a`, displayName: 'Alpha Person' })
    const b = await register(t.app, { username: uniqueName('other'), email: `${tag}.mail@example.test`, displayName: 'Beta' })
    const c = await register(t.app, { username: uniqueName('third'), displayName: `${tag.toUpperCase()} Gamma` })
    await insertPost(db(), a.user.id)

    const found = json(await list(`?q=${tag.toUpperCase()}`)).items
    expect(found.map((u: { id: number }) => u.id)).toEqual([c.user.id, b.user.id, a.user.id])
    expect(found[2]).toMatchObject({
      id: a.user.id,
      username: a.user.username,
      email: a.user.email,
      emailVerified: false,
      displayName: 'Alpha Person',
      role: 'user',
      isBlocked: false,
      postsCount: 1,
      followersCount: 0,
      followingCount: 0,
      activeSessions: 1,
    })
    expect(Date.parse(found[2].createdAt)).toBeGreaterThan(0)
    expect(Date.parse(found[2].lastActiveAt)).toBeGreaterThan(0)

    // LIKE wildcards in the query are literal characters
    expect(json(await list('?q=%25')).items).toEqual([])
    expect(json(await list('?q=_')).items).toEqual([])
  })

  it('filters by blocked and role, and pages newest first', async () => {
    const blocked = await register(t.app)
    await act(admin, blocked.user.id, 'block')
    const onlyBlocked = json(await list('?blocked=true&limit=100')).items
    expect(onlyBlocked.map((u: { id: number }) => u.id)).toContain(blocked.user.id)
    expect(onlyBlocked.every((u: { isBlocked: boolean }) => u.isBlocked)).toBe(true)
    const notBlocked = json(await list('?blocked=false&limit=100')).items
    expect(notBlocked.map((u: { id: number }) => u.id)).not.toContain(blocked.user.id)
    const admins = json(await list('?role=admin&limit=100')).items
    expect(admins.map((u: { id: number }) => u.id)).toContain(admin.user.id)
    expect(admins.every((u: { role: string }) => u.role === 'admin')).toBe(true)

    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page: { items: { id: number }[]; nextCursor: string | null } = json(await list(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`))
      seen.push(...page.items.map((u) => u.id))
      cursor = page.nextCursor
    } while (cursor)
    const all = await db().select({ id: users.id }).from(users)
    expect(seen).toEqual(all.map((u) => u.id).sort((x, y) => y - x))

    expectProblem(await list('?blocked=maybe'), 400, 'validation_failed')
    expectProblem(await list('?role=root'), 400, 'validation_failed')
    expectProblem(await list('?q='), 400, 'validation_failed')
  })

  it('shows one user by id', async () => {
    const u = await register(t.app)
    expect(json(await t.app.inject({ url: `/api/hearth/v1/admin/users/${u.user.id}`, headers: admin.headers }))).toMatchObject({
      id: u.user.id,
      role: 'user',
    })
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/admin/users/2000000000', headers: admin.headers }), 404, 'not_found')
  })
})

describe('blocking', () => {
  it('takes effect on every open session at once, refuses sign-in and refresh, and is audited', async () => {
    const u = await register(t.app)
    const phone = await login(t.app, u.user.username, u.password)
    expect((await me(u)).statusCode).toBe(200)
    expect((await me(phone)).statusCode).toBe(200)

    const res = await act(admin, u.user.id, 'block')
    expect(res.statusCode).toBe(200)
    expect(json(res)).toMatchObject({ id: u.user.id, isBlocked: true, activeSessions: 0 })
    expectProblem(await me(u), 401, 'session_revoked')
    expectProblem(await me(phone), 401, 'session_revoked')
    expectProblem(
      await t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/login', payload: { login: u.user.username, password: u.password } }),
      403,
      'account_blocked',
    )
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/hearth/v1/auth/refresh',
      payload: { refreshToken: phone.refreshToken },
    })
    expect([401, 403]).toContain(refresh.statusCode)
    // blocked users are hidden from others
    expectProblem(await t.app.inject({ url: `/api/hearth/v1/users/${u.user.id}` }), 404)

    // blocking again is a no-op that still answers with the user
    expect(json(await act(admin, u.user.id, 'block')).isBlocked).toBe(true)
    const audit = await db().select().from(adminAuditLog).where(eq(adminAuditLog.targetId, u.user.id))
    expect(audit.filter((a) => a.action === 'user.block')).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorId: admin.user.id, targetType: 'user' })
  })

  it('closes the user’s open realtime stream within a second', async () => {
    const base = await listen(t)
    const u = await register(t.app)
    const stream = await StreamClient.connect(base, u.accessToken)
    const start = Date.now()
    expect((await act(admin, u.user.id, 'block')).statusCode).toBe(200)
    const closed = await Promise.race([stream.closed, sleep(1000).then(() => null)])
    expect(closed, 'the stream stayed open for a second after the block').not.toBeNull()
    expect(closed!.code).toBe(4001)
    expect(Date.now() - start).toBeLessThan(1000)
  })

  it('unblocking lets the user sign in again', async () => {
    const u = await register(t.app)
    await act(admin, u.user.id, 'block')
    const res = await act(admin, u.user.id, 'unblock')
    expect(json(res)).toMatchObject({ isBlocked: false })
    const again = await login(t.app, u.user.username, u.password)
    expect((await me(again)).statusCode).toBe(200)
    const actions = (await db().select().from(adminAuditLog).where(eq(adminAuditLog.targetId, u.user.id))).map((a) => a.action)
    expect(actions).toEqual(['user.block', 'user.unblock'])
  })

  it('refuses blocking yourself, and unknown users', async () => {
    expectProblem(await act(admin, admin.user.id, 'block'), 409, 'cannot_block_self')
    expect((await me(admin)).statusCode).toBe(200)
    expectProblem(await act(admin, 2_000_000_000, 'block'), 404, 'not_found')
    expectProblem(await act(admin, 2_000_000_000, 'unblock'), 404, 'not_found')
  })

  it('lets an admin block another admin, who then loses access', async () => {
    const other = await newAdmin()
    expect((await list('', other)).statusCode).toBe(200)
    expect((await act(admin, other.user.id, 'block')).statusCode).toBe(200)
    expectProblem(await list('', other), 401, 'session_revoked')
  })
})

describe('roles', () => {
  it('a promotion and a demotion take effect on the user’s open session', async () => {
    const u = await register(t.app)
    expectProblem(await list('', u), 403, 'forbidden')
    const promoted = await setRole(admin, u.user.id, 'admin')
    expect(json(promoted)).toMatchObject({ role: 'admin' })
    expect((await list('', u)).statusCode).toBe(200)
    expect(json(await setRole(admin, u.user.id, 'user')).role).toBe('user')
    expectProblem(await list('', u), 403, 'forbidden')
    expect((await me(u)).statusCode).toBe(200) // still signed in, just not an admin
    const audit = await db().select().from(adminAuditLog).where(eq(adminAuditLog.targetId, u.user.id)).orderBy(adminAuditLog.id)
    expect(audit.map((a) => a.details)).toEqual([
      { from: 'user', to: 'admin' },
      { from: 'admin', to: 'user' },
    ])
  })

  it('refuses demoting yourself, and validates the role', async () => {
    expectProblem(await setRole(admin, admin.user.id, 'user'), 409, 'cannot_demote_self')
    expect(json(await setRole(admin, admin.user.id, 'admin')).role).toBe('admin') // a no-op
    expectProblem(await setRole(admin, admin.user.id, 'root'), 400, 'validation_failed')
    expectProblem(
      await t.app.inject({
        method: 'PATCH',
        url: `/api/hearth/v1/admin/users/${admin.user.id}`,
        headers: admin.headers,
        payload: { role: 'admin', isBlocked: true },
      }),
      400,
      'validation_failed',
    )
  })

  it('checks the admin set under lock, not the caller’s cached role: the last admin stays', async () => {
    const [a, b] = [await newAdmin(), await newAdmin()]
    await onlyAdmins([a.user.id, b.user.id], async () => {
      expect((await list('', a)).statusCode).toBe(200) // a's session now caches role admin
      // b demotes a, as a concurrent request would; a's cached session still says admin
      await db().update(users).set({ role: 'user' }).where(eq(users.id, a.user.id))
      expectProblem(await setRole(a, b.user.id, 'user'), 409, 'last_admin')
      expectProblem(await act(a, b.user.id, 'block'), 409, 'last_admin')
      const other = await register(t.app)
      expectProblem(await act(a, other.user.id, 'block'), 403, 'forbidden') // and a is no admin any more
      expect(await userById(db(), b.user.id)).toMatchObject({ role: 'admin', isBlocked: false })
      expect((await userById(db(), other.user.id)).isBlocked).toBe(false)
    })
  })

  it('never leaves the network without an admin: two admins demoting each other at once', async () => {
    const [a, b] = [await newAdmin(), await newAdmin()]
    await onlyAdmins([a.user.id, b.user.id], async () => {
      const results = await Promise.all([setRole(a, b.user.id, 'user'), setRole(b, a.user.id, 'user')])
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1)
      // refused by the admin-set check (409 last_admin) or, if the winner's demotion already
      // reached the loser's session, at the door (403)
      const refused = json(results.find((r) => r.statusCode !== 200)!)
      expect([`409 last_admin`, `403 forbidden`]).toContain(`${refused.status} ${refused.code}`)
      const roles = [(await userById(db(), a.user.id)).role, (await userById(db(), b.user.id)).role].sort()
      expect(roles).toEqual(['admin', 'user'])
    })
  })

  it('never leaves the network without an unblocked admin: two admins blocking each other at once', async () => {
    const [a, b] = [await newAdmin(), await newAdmin()]
    await onlyAdmins([a.user.id, b.user.id], async () => {
      const results = await Promise.all([act(a, b.user.id, 'block'), act(b, a.user.id, 'block')])
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1)
      const refused = results.find((r) => r.statusCode !== 200)!
      // refused by the admin-set check (409) or, if the winner's revocation came first, at the door (401)
      expect([401, 409]).toContain(refused.statusCode)
      const blocked = [(await userById(db(), a.user.id)).isBlocked, (await userById(db(), b.user.id)).isBlocked]
      expect(blocked.filter(Boolean)).toHaveLength(1)
    })
  })
})
