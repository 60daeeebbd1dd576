// The block check's two forms evaluated by the database, on both engines: each direction of a block,
// an anonymous viewer, and a user id that is NULL (notifications and stream events that name nobody),
// which must count as no one blocked whatever blocks the viewer has.
import { sql, type SQL } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db/rows.js'
import { createHarness, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { notBlockedEitherWay, notBlockedEitherWaySql } from './rules.js'

let h: Harness
let t: TestApp
let ana: Session
let ben: Session
let cy: Session

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  ana = await register(t.app)
  ben = await register(t.app)
  cy = await register(t.app)
  const res = await t.app.inject({ method: 'PUT', url: `/api/hearth/v1/users/${ben.user.id}/block`, headers: ana.headers })
  expect(res.statusCode).toBe(204)
})
afterAll(async () => h.close())

const holds = async (condition: SQL) => {
  const rows = await queryRows<{ ok: boolean | null }>(t.ctx.database.db, sql`SELECT (${condition}) AS ok`)
  return rows[0]!.ok
}

describe('notBlockedEitherWay', () => {
  const cases = () => [
    { viewer: ana.user.id, user: ben.user.id, expected: false, why: 'the viewer blocks the user' },
    { viewer: ben.user.id, user: ana.user.id, expected: false, why: 'the user blocks the viewer' },
    { viewer: ana.user.id, user: cy.user.id, expected: true, why: 'no block between them' },
    { viewer: ana.user.id, user: null, expected: true, why: 'a NULL user, for a viewer who blocks someone' },
    { viewer: cy.user.id, user: null, expected: true, why: 'a NULL user, for a viewer without blocks' },
    { viewer: null, user: ben.user.id, expected: true, why: 'an anonymous viewer' },
  ]

  it('raw form: false exactly across a block, either way', async () => {
    for (const c of cases()) {
      const text = notBlockedEitherWaySql(c.viewer === null ? 'NULL' : String(c.viewer), c.user === null ? 'NULL::int' : String(c.user))
      expect({ why: c.why, ok: await holds(sql.raw(text)) }).toEqual({ why: c.why, ok: c.expected })
    }
  })

  it('query-builder form: the same answers', async () => {
    for (const c of cases()) {
      const condition = notBlockedEitherWay(c.viewer ?? undefined, c.user === null ? sql`NULL::int` : sql`${c.user}::int`)
      expect({ why: c.why, ok: await holds(condition) }).toEqual({ why: c.why, ok: c.expected })
    }
  })
})
