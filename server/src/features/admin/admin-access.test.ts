// Every /admin route refuses anonymous callers (401) and signed-in non-admins (403). The routes
// are read from the published OpenAPI document, so a route added later is walked too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, login, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { ROOT_ADMIN } from './test-fixtures.js'

let h: Harness
let t: TestApp
let user: Session
let admin: Session
let routes: { method: string; url: string }[]

beforeAll(async () => {
  h = await createHarness()
  t = await h.start(ROOT_ADMIN)
  user = await register(t.app)
  admin = await login(t.app, ROOT_ADMIN.ADMIN_EMAIL, ROOT_ADMIN.ADMIN_PASSWORD)
  const doc = (await t.app.inject({ url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>()
  routes = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/hearth/v1/admin'))
    .flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), url: path.replace(/\{[^}]+\}/g, String(user.user.id)) })),
    )
})
afterAll(async () => h.close())

// Bodies that would fail validation: the refusal must come first, and reveal nothing of the shape.
const send = (r: { method: string; url: string }, headers: Record<string, string>) =>
  t.app.inject({ method: r.method as 'GET', url: r.url, headers, ...(r.method === 'GET' ? {} : { payload: { unexpected: true } }) })

describe('the admin area', () => {
  it('publishes every admin route in the OpenAPI document', () => {
    const names = routes.map((r) => `${r.method} ${r.url.replace(String(user.user.id), ':id')}`)
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /api/hearth/v1/admin/reports',
        'PATCH /api/hearth/v1/admin/reports/:id',
        'GET /api/hearth/v1/admin/users',
        'GET /api/hearth/v1/admin/users/:id',
        'PATCH /api/hearth/v1/admin/users/:id',
        'POST /api/hearth/v1/admin/users/:id/block',
        'POST /api/hearth/v1/admin/users/:id/unblock',
        'DELETE /api/hearth/v1/admin/users/:id',
        'GET /api/hearth/v1/admin/audit',
        'GET /api/hearth/v1/admin/stats',
      ]),
    )
  })

  it('answers 401 to anonymous callers on every admin route', async () => {
    for (const r of routes) expectProblem(await send(r, {}), 401, 'unauthorized')
  })

  it('answers 401 to a bad token on every admin route', async () => {
    for (const r of routes) expectProblem(await send(r, { authorization: 'Bearer not-a-token' }), 401, 'token_invalid')
  })

  it('answers 403 to a signed-in non-admin on every admin route, and changes nothing', async () => {
    for (const r of routes) expectProblem(await send(r, user.headers), 403, 'forbidden')
    expect((await t.app.inject({ url: '/api/hearth/v1/users/me', headers: user.headers })).json()).toMatchObject({ role: 'user' })
  })

  it('lets an admin through the same door (the refusals above are about the caller, not the request)', async () => {
    for (const r of routes) {
      const res = await send(r, admin.headers)
      expect([401, 403]).not.toContain(res.statusCode)
      expect(res.statusCode).toBeLessThan(500)
    }
  })
})
