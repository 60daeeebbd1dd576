// SQL of the daily statistics. Day boundaries are UTC midnights; dates travel as 'YYYY-MM-DD'
// text and are cast explicitly (`::date::timestamp AT TIME ZONE 'UTC'`), because a bare
// date → timestamptz cast would use the session's TimeZone setting.
import { sql } from 'drizzle-orm'
import { appStatistics, userDailyActivity } from '../../db/schema.js'
import type { DbOrTx, Tx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import { ADVISORY_LOCKS } from '../../platform/jobs/index.js'

export interface DayStats {
  date: string
  activeUsers: number
  newUsers: number
  totalPosts: number
  totalLikes: number
  totalComments: number
  totalMessages: number
}

const startOf = (day: string) => sql`(${day}::date::timestamp AT TIME ZONE 'UTC')`

/**
 * The statistics of every day from `from` to `to` (inclusive), computed from the tables in one
 * pass per table. Totals are cumulative at the end of each day and count what is live now
 * (deleted posts, comments and messages are left out); for a day still running, "the end" is now.
 */
export async function computeDays(db: DbOrTx, from: string, to: string): Promise<DayStats[]> {
  const lo = startOf(from)
  const hi = sql`((${to}::date + 1)::timestamp AT TIME ZONE 'UTC')`
  const utcDate = (column: string) => sql.raw(`(${column} AT TIME ZONE 'UTC')::date`)
  const perDay = (table: string, where: string) =>
    sql`SELECT ${utcDate('created_at')} AS day, count(*) AS n FROM ${sql.raw(table)} WHERE ${sql.raw(where)} AND created_at < ${hi} GROUP BY 1`
  const upTo = (cte: string) => sql.raw(`(SELECT coalesce(sum(n), 0) FROM ${cte} c WHERE c.day <= days.day)::int`)

  return queryRows<DayStats>(
    db,
    sql`
    WITH days AS (
      SELECT d::date AS day FROM generate_series(${from}::date::timestamp, ${to}::date::timestamp, interval '1 day') AS d
    ),
    activity AS (
      SELECT day, user_id FROM user_daily_activity WHERE day BETWEEN ${from}::date AND ${to}::date
      UNION
      SELECT ${utcDate('created_at')}, user_id FROM user_sessions WHERE created_at >= ${lo} AND created_at < ${hi}
      UNION
      SELECT ${utcDate('last_activity')}, user_id FROM user_sessions WHERE last_activity >= ${lo} AND last_activity < ${hi}
    ),
    active AS (SELECT day, count(*) AS n FROM activity GROUP BY day),
    joined AS (
      SELECT ${utcDate('created_at')} AS day, count(*) AS n FROM users WHERE created_at >= ${lo} AND created_at < ${hi} GROUP BY 1
    ),
    p AS (${perDay('posts', 'NOT is_deleted')}),
    l AS (${perDay('likes', 'true')}),
    c AS (${perDay('comments', 'NOT is_deleted')}),
    m AS (${perDay('messages', 'NOT is_deleted')})
    SELECT
      to_char(days.day, 'YYYY-MM-DD') AS "date",
      coalesce(active.n, 0)::int AS "activeUsers",
      coalesce(joined.n, 0)::int AS "newUsers",
      ${upTo('p')} AS "totalPosts",
      ${upTo('l')} AS "totalLikes",
      ${upTo('c')} AS "totalComments",
      ${upTo('m')} AS "totalMessages"
    FROM days
    LEFT JOIN active ON active.day = days.day
    LEFT JOIN joined ON joined.day = days.day
    ORDER BY days.day`,
  )
}

/** Serialises statistics writers across instances until the transaction ends. */
export async function lockStatistics(tx: Tx) {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${ADVISORY_LOCKS.statistics})`)
}

/** The UTC day of the first account, where history starts; undefined without any user. */
export async function firstDay(db: DbOrTx): Promise<string | undefined> {
  const [row] = await queryRows<{ day: string | null }>(
    db,
    sql`SELECT to_char(min(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM users`,
  )
  return row?.day ?? undefined
}

export async function missingDays(db: DbOrTx, from: string, to: string): Promise<string[]> {
  const found = await queryRows<{ day: string }>(
    db,
    sql`
    SELECT to_char(d, 'YYYY-MM-DD') AS day
    FROM generate_series(${from}::date::timestamp, ${to}::date::timestamp, interval '1 day') AS d
    WHERE NOT EXISTS (SELECT 1 FROM ${appStatistics} s WHERE s.date = d::date)
    ORDER BY d`,
  )
  return found.map((r) => r.day)
}

/** Writes days; `replace` overwrites a stored day (a recomputation), otherwise a stored day wins. */
export async function saveDays(tx: Tx, days: DayStats[], replace: boolean) {
  if (days.length === 0) return
  const insert = tx.insert(appStatistics).values(days)
  if (!replace) return void (await insert.onConflictDoNothing({ target: appStatistics.date }))
  await insert.onConflictDoUpdate({
    target: appStatistics.date,
    set: {
      activeUsers: sql`excluded.active_users`,
      newUsers: sql`excluded.new_users`,
      totalPosts: sql`excluded.total_posts`,
      totalLikes: sql`excluded.total_likes`,
      totalComments: sql`excluded.total_comments`,
      totalMessages: sql`excluded.total_messages`,
      createdAt: sql`now()`,
    },
  })
}

export async function storedDays(db: DbOrTx, from: string, to: string): Promise<(DayStats & { computedAt: Date })[]> {
  return db
    .select({
      date: appStatistics.date,
      activeUsers: appStatistics.activeUsers,
      newUsers: appStatistics.newUsers,
      totalPosts: appStatistics.totalPosts,
      totalLikes: appStatistics.totalLikes,
      totalComments: appStatistics.totalComments,
      totalMessages: appStatistics.totalMessages,
      computedAt: appStatistics.createdAt,
    })
    .from(appStatistics)
    .where(sql`${appStatistics.date} BETWEEN ${from}::date AND ${to}::date`)
    .orderBy(appStatistics.date)
}

/** Marks the user active on `day`; repeated calls are no-ops. */
export async function recordActivity(db: DbOrTx, userId: number, day: string) {
  await db.insert(userDailyActivity).values({ day, userId }).onConflictDoNothing()
}
