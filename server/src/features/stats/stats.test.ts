import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createHarness,
  expectProblem,
  json,
  login,
  register,
  sleep,
  type Harness,
  type Session,
  type TestApp,
} from '../../../test/helpers.js'
import { appStatistics, posts, userDailyActivity } from '../../db/schema.js'
import { ROOT_ADMIN } from '../admin/test-fixtures.js'
import { addDays, dayCount, msUntilNextDay, parseDay, utcDay } from './dates.js'
import { computeDays } from './queries.js'
import { startStatsScheduler } from './scheduler.js'
import { StatsService } from './service.js'
import { AFTER_HISTORY, buildHistory, EXPECTED, HISTORY_DAYS } from './test-history.js'

let h: Harness
let t: TestApp
let admin: Session
let stats: StatsService
let history: Awaited<ReturnType<typeof buildHistory>>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start(ROOT_ADMIN)
  admin = await login(t.app, ROOT_ADMIN.ADMIN_EMAIL, ROOT_ADMIN.ADMIN_PASSWORD)
  stats = new StatsService(t.ctx)
  history = await buildHistory(t.ctx.database.db)
})
afterAll(async () => h.close())

const db = () => t.ctx.database.db
const stored = async () =>
  Object.fromEntries(
    (await db().select().from(appStatistics).orderBy(appStatistics.date)).map(({ id: _id, createdAt: _c, date, ...rest }) => [date, rest]),
  )
const getStats = (query: string) => t.app.inject({ url: `/api/hearth/v1/admin/stats${query}`, headers: admin.headers })

describe('the daily statistics job', () => {
  it('stores nothing before the first day has ended', async () => {
    expect(await stats.runOnce(new Date('2024-03-01T23:00:00Z'))).toEqual([])
    expect(await stored()).toEqual({})
  })

  it('backfills every missing day since the first account, with the documented numbers', async () => {
    expect(await stats.runOnce(AFTER_HISTORY)).toEqual(HISTORY_DAYS)
    expect(await stored()).toEqual(EXPECTED)
  })

  it('is idempotent: a second run writes nothing and changes nothing', async () => {
    expect(await stats.runOnce(AFTER_HISTORY)).toEqual([])
    expect(await stats.runOnce(new Date('2024-03-05T23:59:59Z'))).toEqual([])
    expect(await stored()).toEqual(EXPECTED)
  })

  it('fills a gap, and only the gap', async () => {
    await db().delete(appStatistics).where(eq(appStatistics.date, '2024-03-02'))
    await db().update(appStatistics).set({ totalPosts: 99 }).where(eq(appStatistics.date, '2024-03-03'))
    expect(await stats.runOnce(AFTER_HISTORY)).toEqual(['2024-03-02'])
    const now = await stored()
    expect(now['2024-03-02']).toEqual(EXPECTED['2024-03-02'])
    expect(now['2024-03-03']!.totalPosts).toBe(99) // a stored day is left alone by the backfill
  })

  it('recomputes a day on demand, replacing the stored row, the same way every time', async () => {
    const first = await stats.computeDay('2024-03-03', AFTER_HISTORY)
    expect(first).toEqual({ date: '2024-03-03', ...EXPECTED['2024-03-03'] })
    expect((await stored())['2024-03-03']).toEqual(EXPECTED['2024-03-03'])
    expect(await stats.computeDay('2024-03-03', AFTER_HISTORY)).toEqual(first)
    expect(await db().select().from(appStatistics).where(eq(appStatistics.date, '2024-03-03'))).toHaveLength(1)

    // totals count what is live: deleting a post of the 3rd lowers the recomputed totals from the 3rd on
    await db().update(posts).set({ isDeleted: true }).where(eq(posts.id, history.posts.p3))
    expect((await stats.computeDay('2024-03-03', AFTER_HISTORY)).totalPosts).toBe(1)
    expect((await stats.computeDay('2024-03-04', AFTER_HISTORY)).totalPosts).toBe(2)
    await db().update(posts).set({ isDeleted: false }).where(eq(posts.id, history.posts.p3))
    await stats.computeDay('2024-03-03', AFTER_HISTORY)
    await stats.computeDay('2024-03-04', AFTER_HISTORY)
    expect(await stored()).toEqual(EXPECTED)
  })

  it('refuses to store a day that has not ended, or is not a day', async () => {
    await expect(stats.computeDay('2024-03-05', AFTER_HISTORY)).rejects.toMatchObject({ status: 400 })
    await expect(stats.computeDay('2024-02-30', AFTER_HISTORY)).rejects.toMatchObject({ status: 400 })
  })

  it('cuts days at UTC midnight whatever the database session’s time zone', async () => {
    const far = await db().transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL TimeZone = 'Pacific/Kiritimati'`) // UTC+14
      return computeDays(tx, '2024-03-01', '2024-03-04')
    })
    expect(Object.fromEntries(far.map(({ date, ...rest }) => [date, rest]))).toEqual(EXPECTED)
  })
})

describe('daily activity', () => {
  it('records each signed-in user once a day', async () => {
    const u = await register(t.app)
    for (let i = 0; i < 3; i++) expect((await t.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers })).statusCode).toBe(200)
    const today = utcDay(new Date())
    const rows = async () =>
      db()
        .select()
        .from(userDailyActivity)
        .where(and(eq(userDailyActivity.userId, u.user.id), eq(userDailyActivity.day, today)))
    const deadline = Date.now() + 5000
    while ((await rows()).length === 0 && Date.now() < deadline) await sleep(20)
    expect(await rows()).toEqual([{ day: today, userId: u.user.id }])
  })
})

describe('GET /admin/stats', () => {
  it('returns the stored days of a range, oldest first', async () => {
    const res = await getStats('?from=2024-02-20&to=2024-03-02')
    expect(res.statusCode).toBe(200)
    const body = json(res)
    expect(body).toMatchObject({ from: '2024-02-20', to: '2024-03-02' })
    expect(body.items.map((d: { date: string }) => d.date)).toEqual(['2024-03-01', '2024-03-02'])
    expect(body.items[0]).toMatchObject({ date: '2024-03-01', ...EXPECTED['2024-03-01'], live: false })
    expect(Date.parse(body.items[0].computedAt)).toBeGreaterThan(0)
  })

  it('computes today live, without storing it', async () => {
    const today = utcDay(new Date())
    const body = json(await getStats(''))
    expect(body.to).toBe(today)
    expect(body.from).toBe(addDays(today, -29))
    const live = body.items.at(-1)
    expect(live).toMatchObject({ date: today, live: true })
    // cumulative totals: the history's, as nothing was posted today
    expect(live).toMatchObject({ totalPosts: 3, totalLikes: 3, totalComments: 2, totalMessages: 2 })
    // today: the admin and this suite's users joined, and at least the admin was active
    expect(live.newUsers).toBeGreaterThanOrEqual(2)
    expect(live.activeUsers).toBeGreaterThanOrEqual(1)
    expect(await db().select().from(appStatistics).where(eq(appStatistics.date, today))).toEqual([])
  })

  it('gives the totals at the end of the day before the range, so growth counts what the first day added', async () => {
    // the day before is stored: its totals
    expect(json(await getStats('?from=2024-03-03&to=2024-03-04')).before).toEqual({
      totalPosts: EXPECTED['2024-03-02'].totalPosts,
      totalLikes: EXPECTED['2024-03-02'].totalLikes,
      totalComments: EXPECTED['2024-03-02'].totalComments,
      totalMessages: EXPECTED['2024-03-02'].totalMessages,
    })
    // before the first account: nothing yet
    expect(json(await getStats('?from=2024-03-01&to=2024-03-04')).before).toEqual({
      totalPosts: 0,
      totalLikes: 0,
      totalComments: 0,
      totalMessages: 0,
    })
    // A range that is only today (as on a fresh instance, whose only day is today): yesterday is
    // not stored, so its totals are computed; two posts made today are the range's growth.
    const today = utcDay(new Date())
    const u = await register(t.app)
    for (const content of ['one', 'two']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/hearth/v1/posts', headers: u.headers, payload: { content } })
      expect(res.statusCode).toBe(201)
    }
    const body = json(await getStats(`?from=${today}&to=${today}`))
    expect(body.items).toHaveLength(1)
    expect(body.items[0].totalPosts - body.before.totalPosts).toBe(2)
    expect(body.before.totalPosts).toBe(EXPECTED['2024-03-04'].totalPosts)
    await db().update(posts).set({ isDeleted: true }).where(eq(posts.userId, u.user.id))
  })

  it('validates the range', async () => {
    for (const q of [
      '?from=2024-3-1',
      '?to=yesterday',
      '?from=2024-02-30',
      '?to=2024-13-01',
      '?from=2024-03-02&to=2024-03-01',
      '?from=2023-01-01&to=2024-01-02',
      '?since=2024-01-01',
    ]) {
      expectProblem(await getStats(q), 400, 'validation_failed')
    }
    expect(dayCount('2023-01-02', '2024-01-02')).toBe(366)
    expect((await getStats('?from=2023-01-02&to=2024-01-02')).statusCode).toBe(200)
  })
})

describe('the scheduler', () => {
  it('backfills up to yesterday when it starts, and stops cleanly', async () => {
    const scheduler = startStatsScheduler(t.ctx)
    try {
      await scheduler.runOnce() // waits for the start-up run (the backfill), then finds nothing left
      const yesterday = addDays(utcDay(new Date()), -1)
      const rows = await db().select({ date: appStatistics.date }).from(appStatistics)
      expect(rows).toHaveLength(dayCount('2024-03-01', yesterday))
      expect(
        rows
          .map((r) => r.date)
          .sort()
          .at(-1),
      ).toBe(yesterday)
      expect(await stored()).toMatchObject(EXPECTED)
    } finally {
      await scheduler.stop()
    }
  })
})

describe('UTC calendar days', () => {
  it('parses real days only, and steps across months, leap days and years', () => {
    expect(parseDay('2024-02-29')).toBe('2024-02-29')
    expect(parseDay('2023-02-29')).toBeUndefined()
    expect(parseDay('2024-2-01')).toBeUndefined()
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01')
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29')
    expect(dayCount('2024-03-01', '2024-03-01')).toBe(1)
    expect(dayCount('2024-03-02', '2024-03-01')).toBe(0)
  })

  it('schedules the nightly run a few minutes after the next UTC midnight', () => {
    expect(msUntilNextDay(new Date('2024-03-01T23:00:00Z'), 5 * 60_000)).toBe(65 * 60_000)
    expect(msUntilNextDay(new Date('2024-03-02T00:00:00Z'), 0)).toBe(86_400_000)
  })
})
