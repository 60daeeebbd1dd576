import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, register, type Harness, type Res, type TestApp } from '../../../test/helpers.js'

let h: Harness
let t: TestApp

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
})
afterAll(async () => h.close())

describe('profiles', () => {
  it('GET /users/me has private fields; /users/:id and lookup do not', async () => {
    const u = await register(t.app, { displayName: 'Ada L.' })
    const me = json(await t.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers }))
    expect(me).toMatchObject({ id: u.user.id, email: u.user.email, role: 'user', displayName: 'Ada L.' })
    const pub = json(await t.app.inject({ url: `/api/hearth/v1/users/${u.user.id}` }))
    expect(pub).toMatchObject({
      id: u.user.id,
      username: u.user.username,
      followersCount: 0,
      followingCount: 0,
      postsCount: 0,
      isFollowing: false,
    })
    expect(pub).not.toHaveProperty('email')
    const byName = json(await t.app.inject({ url: `/api/hearth/v1/users/lookup?username=${u.user.username.toUpperCase()}` }))
    expect(byName.id).toBe(u.user.id)
    expect(byName).not.toHaveProperty('email')
  })

  it('404s unknown users and 400s malformed ids', async () => {
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/2147483647' }), 404, 'not_found')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/abc' }), 400, 'validation_failed')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/99999999999999999999' }), 400, 'validation_failed')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/0' }), 400, 'validation_failed')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/-1' }), 400, 'validation_failed')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/lookup?username=nobody_at_all' }), 404, 'not_found')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users/lookup' }), 400, 'validation_failed')
  })

  it('PATCH /users/me edits the profile with validation and username uniqueness', async () => {
    const u = await register(t.app)
    const other = await register(t.app)
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/api/hearth/v1/users/me',
      headers: u.headers,
      payload: { displayName: '  New Name ', bio: 'Hello there' },
    })
    expect(json(ok)).toMatchObject({ displayName: 'New Name', bio: 'Hello there' })
    const cleared = await t.app.inject({ method: 'PATCH', url: '/api/hearth/v1/users/me', headers: u.headers, payload: { bio: null } })
    expect(json(cleared).bio).toBeNull()
    const taken = await t.app.inject({
      method: 'PATCH',
      url: '/api/hearth/v1/users/me',
      headers: u.headers,
      payload: { username: other.user.username.toUpperCase() },
    })
    expectProblem(taken, 409, 'username_taken')
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/hearth/v1/users/me',
      headers: u.headers,
      payload: { username: 'x', bio: 'b'.repeat(1001), email: 'x@y.z' },
    })
    const fields = expectProblem(bad, 400, 'validation_failed').errors.map((e: { field: string }) => e.field)
    expect(fields).toEqual(expect.arrayContaining(['username', 'bio', 'email']))
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: '/api/hearth/v1/users/me',
      headers: u.headers,
      payload: { username: `${u.user.username}_2`.slice(0, 30) },
    })
    expect(renamed.statusCode).toBe(200)
    expectProblem(await t.app.inject({ method: 'PATCH', url: '/api/hearth/v1/users/me', payload: { bio: 'x' } }), 401, 'unauthorized')
  })

  it('hides blocked users', async () => {
    const u = await register(t.app)
    const { users } = await import('../../db/schema.js')
    const { eq } = await import('drizzle-orm')
    await t.ctx.database.db.update(users).set({ isBlocked: true }).where(eq(users.id, u.user.id))
    expectProblem(await t.app.inject({ url: `/api/hearth/v1/users/${u.user.id}` }), 404)
    expectProblem(await t.app.inject({ url: `/api/hearth/v1/users/lookup?username=${u.user.username}` }), 404)
    const found = json(await t.app.inject({ url: `/api/hearth/v1/users?q=${u.user.username}` }))
    expect(found.items).toEqual([])
  })
})

describe('search', () => {
  it('finds by username or display-name prefix, case-insensitively, paginated without repeats', async () => {
    const tag = `srch${Date.now().toString(36).slice(-4)}`
    const made = []
    for (let i = 0; i < 5; i++) made.push(await register(t.app, { username: `${tag}_${i}` }))
    await register(t.app, { displayName: `${tag.toUpperCase()} Display` })
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res: Res = await t.app.inject({
        url: `/api/hearth/v1/users?q=${tag.toUpperCase()}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      })
      const body = json<{ items: { username: string }[]; nextCursor: string | null }>(res)
      seen.push(...body.items.map((u: { username: string }) => u.username))
      cursor = body.nextCursor
      pages++
    } while (cursor && pages < 10)
    expect(seen).toHaveLength(6)
    expect(new Set(seen).size).toBe(6)
    expect(pages).toBe(3)
  })

  it('treats LIKE wildcards literally and refuses bad cursors', async () => {
    const res = json(await t.app.inject({ url: '/api/hearth/v1/users?q=%25' }))
    expect(res.items).toEqual([])
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users?q=a&cursor=not-a-cursor' }), 400, 'invalid_cursor')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users?q=a&limit=101' }), 400, 'validation_failed')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users?q=a&limit=0' }), 400, 'validation_failed')
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/users' }), 400, 'validation_failed')
  })
})
