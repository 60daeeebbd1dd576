// GET /users/me is served from a cache; every change to what it shows must be visible at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json, login, register, type Harness, type TestApp } from '../../../test/helpers.js'

let h: Harness
let t: TestApp

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
})
afterAll(async () => h.close())

const me = async (headers: Record<string, string>) => json(await t.app.inject({ url: '/api/hearth/v1/users/me', headers }))

describe('the cached signed-in user', () => {
  it('reflects profile edits, password changes and role changes immediately', async () => {
    const u = await register(t.app)
    expect((await me(u.headers)).displayName).toBeNull() // now cached
    await t.app.inject({ method: 'PATCH', url: '/api/hearth/v1/users/me', headers: u.headers, payload: { displayName: 'Cached No More' } })
    expect((await me(u.headers)).displayName).toBe('Cached No More')

    const admin = await register(t.app)
    const { users } = await import('../../db/schema.js')
    const { eq } = await import('drizzle-orm')
    await t.ctx.database.db.update(users).set({ role: 'admin' }).where(eq(users.id, admin.user.id))
    // a fresh sign-in reads the new role into its session
    const adminAgain = await login(t.app, admin.user.username, admin.password)
    const promoted = await t.app.inject({
      method: 'PATCH',
      url: `/api/hearth/v1/admin/users/${u.user.id}`,
      headers: adminAgain.headers,
      payload: { role: 'admin' },
    })
    expect(promoted.statusCode).toBe(200)
    expect((await me(u.headers)).role).toBe('admin')
  })

  it('is the same row the database holds', async () => {
    const u = await register(t.app, { displayName: 'Row' })
    const cached = await me(u.headers)
    const again = await me(u.headers)
    expect(again).toEqual(cached)
    expect(new Date(again.createdAt).toISOString()).toBe(again.createdAt)
  })
})
