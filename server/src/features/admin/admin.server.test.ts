// Two instances sharing one PostgreSQL and one Redis, as behind a load balancer: admin actions
// on one reach sessions and streams on the other, and the statistics job runs on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json, listen, login, register, sleep, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { StreamClient } from '../../../test/stream-client.js'
import { appStatistics } from '../../db/schema.js'
import { StatsService } from '../stats/index.js'
import { AFTER_HISTORY, buildHistory, EXPECTED, HISTORY_DAYS } from '../stats/test-history.js'
import { ROOT_ADMIN } from './test-fixtures.js'

let h: Harness
let a: TestApp
let b: TestApp
let admin: Session

beforeAll(async () => {
  h = await createHarness()
  a = await h.start(ROOT_ADMIN)
  b = await h.start(ROOT_ADMIN)
  admin = await login(a.app, ROOT_ADMIN.ADMIN_EMAIL, ROOT_ADMIN.ADMIN_PASSWORD)
})
afterAll(async () => h.close())

/** Polls `probe` on an instance until it answers `status`; how long that took, or Infinity after 3 s. */
async function msUntil(status: number, probe: () => Promise<{ statusCode: number }>): Promise<number> {
  const start = Date.now()
  while (Date.now() - start < 3000) {
    if ((await probe()).statusCode === status) return Date.now() - start
    await sleep(20)
  }
  return Infinity
}

describe('admin actions across instances', () => {
  it('a block on A ends the user’s session and realtime stream on B within a second', async () => {
    const u = await register(b.app)
    const me = () => b.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers })
    expect((await me()).statusCode).toBe(200) // cached on B
    const stream = await StreamClient.connect(await listen(b), u.accessToken)

    const start = Date.now()
    expect(
      (await a.app.inject({ method: 'POST', url: `/api/hearth/v1/admin/users/${u.user.id}/block`, headers: admin.headers })).statusCode,
    ).toBe(200)
    expect(await msUntil(401, me)).toBeLessThan(1000)
    const closed = await Promise.race([stream.closed, sleep(1000).then(() => null)])
    expect(closed?.code).toBe(4001)
    expect(Date.now() - start).toBeLessThan(1500)
  })

  it('a role change on A reaches the user’s session on B within a second', async () => {
    const u = await register(a.app)
    const adminArea = () => b.app.inject({ url: '/api/hearth/v1/admin/users', headers: u.headers })
    expect((await adminArea()).statusCode).toBe(403)
    await a.app.inject({
      method: 'PATCH',
      url: `/api/hearth/v1/admin/users/${u.user.id}`,
      headers: admin.headers,
      payload: { role: 'admin' },
    })
    expect(await msUntil(200, adminArea)).toBeLessThan(1000)
    await a.app.inject({
      method: 'PATCH',
      url: `/api/hearth/v1/admin/users/${u.user.id}`,
      headers: admin.headers,
      payload: { role: 'user' },
    })
    expect(await msUntil(403, adminArea)).toBeLessThan(1000)
  })

  it('two admins on two instances deciding the same report: one wins', async () => {
    const [author, reporter] = [await register(a.app), await register(a.app)]
    const second = await register(a.app)
    await a.app.inject({
      method: 'PATCH',
      url: `/api/hearth/v1/admin/users/${second.user.id}`,
      headers: admin.headers,
      payload: { role: 'admin' },
    })
    const r = json(
      await a.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/reports',
        headers: reporter.headers,
        payload: { reason: 'spam', userId: author.user.id },
      }),
    )
    const results = await Promise.all([
      a.app.inject({
        method: 'PATCH',
        url: `/api/hearth/v1/admin/reports/${r.id}`,
        headers: admin.headers,
        payload: { status: 'resolved', action: 'block_user' },
      }),
      b.app.inject({
        method: 'PATCH',
        url: `/api/hearth/v1/admin/reports/${r.id}`,
        headers: second.headers,
        payload: { status: 'dismissed' },
      }),
    ])
    expect(results.map((x) => x.statusCode).sort()).toEqual([200, 409])
    expect(json(results.find((x) => x.statusCode === 409)!).code).toBe('illegal_transition')
  })
})

describe('the statistics job on two instances', () => {
  it('computes each day once, with the right numbers, when both run at the same moment', async () => {
    await buildHistory(a.ctx.database.db)
    const [onA, onB] = await Promise.all([new StatsService(a.ctx).runOnce(AFTER_HISTORY), new StatsService(b.ctx).runOnce(AFTER_HISTORY)])
    // one of them did the work, the other found it done
    expect([onA, onB].sort((x, y) => y.length - x.length)).toEqual([HISTORY_DAYS, []])
    const rows = await a.ctx.database.db.select().from(appStatistics).orderBy(appStatistics.date)
    expect(Object.fromEntries(rows.map(({ id: _i, createdAt: _c, date, ...rest }) => [date, rest]))).toEqual(EXPECTED)

    // recomputing the same day on both at once leaves one row, still right
    await Promise.all([
      new StatsService(a.ctx).computeDay('2024-03-02', AFTER_HISTORY),
      new StatsService(b.ctx).computeDay('2024-03-02', AFTER_HISTORY),
    ])
    const again = await a.ctx.database.db.select().from(appStatistics)
    expect(again).toHaveLength(HISTORY_DAYS.length)
    expect(again.find((r) => r.date === '2024-03-02')).toMatchObject(EXPECTED['2024-03-02'])
  })
})
