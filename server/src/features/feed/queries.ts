// Feed skeletons: the ids of one page, newest first, keyset on (created_at, id).
//
// The SQL is kept as plain text with numbered placeholders and run as a named prepared statement,
// so the text below is byte for byte what the driver sends: the benchmark replays the same
// statement directly (pgbench -f, with the parameters in the order documented on each) to
// measure what the server adds on top of the database.
import { sql } from 'drizzle-orm'
import type { PreparedQueryConfig } from 'drizzle-orm/pg-core'
import type { Db } from '../../platform/db/index.js'
import { prepared } from '../../platform/db/prepared.js'
import { CURSOR_AT_FORMAT, type TimeKey } from '../posts/keyset.js'

/**
 * Home feed: posts of the accounts the viewer follows and the viewer's own.
 *
 * Per-author top-N merge: for each author, the newest `$5` posts before the cursor come straight
 * off posts_user_feed_idx (user_id, created_at DESC NULLS LAST, id DESC NULLS LAST WHERE NOT
 * is_deleted) in index order, then the merged set is cut to `$6`. Work is bounded by
 * authors × page size whatever the depth of the page or the length of anyone's history, where
 * `user_id IN (...)` reads every older post of every followed account and sorts them all.
 * The cursor text is formatted only for the rows of the page (outer query). Blocked authors are
 * dropped by the hydrate stage rather than here: checking each followed account's standing costs
 * one more index probe per followee on every page (≈1.6× slower measured on 10k users / 1M
 * follows), to guard against a rare case whose only effect is a page shorter than `limit`.
 *
 * Parameters, in order: $1 viewer id, $2 viewer id (again), $3 cursor time (timestamptz text;
 * 'infinity' on the first page), $4 cursor id (2147483647 on the first page), $5 and $6 the page
 * size + 1.
 */
export const HOME_FEED_SQL = `SELECT s.id, to_char(s.created_at AT TIME ZONE 'UTC', ${CURSOR_AT_FORMAT}) AS at
FROM (
  SELECT p.id, p.created_at
  FROM (
    SELECT f.following_id AS author_id
    FROM follows f
    WHERE f.follower_id = $1
    UNION ALL
    SELECT $2::int
  ) a
  CROSS JOIN LATERAL (
    SELECT p.id, p.created_at
    FROM posts p
    WHERE p.user_id = a.author_id AND NOT p.is_deleted AND (p.created_at, p.id) < ($3::timestamptz, $4::int)
    ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
    LIMIT $5
  ) p
  ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
  LIMIT $6
) s
ORDER BY s.created_at DESC NULLS LAST, s.id DESC NULLS LAST`

/**
 * Explore: recent posts of everyone (posts_explore_idx), authors not blocked.
 * Parameters, in order: $1 cursor time, $2 cursor id, $3 page size + 1.
 */
export const EXPLORE_SQL = `SELECT s.id, to_char(s.created_at AT TIME ZONE 'UTC', ${CURSOR_AT_FORMAT}) AS at
FROM (
  SELECT p.id, p.created_at
  FROM posts p JOIN users u ON u.id = p.user_id
  WHERE NOT p.is_deleted AND NOT u.is_blocked AND (p.created_at, p.id) < ($1::timestamptz, $2::int)
  ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
  LIMIT $3
) s
ORDER BY s.created_at DESC NULLS LAST, s.id DESC NULLS LAST`

export const homeFeedParams = (viewerId: number, before: TimeKey, limit: number) =>
  [viewerId, viewerId, before.at, before.id, limit + 1, limit + 1] as const

export const exploreParams = (before: TimeKey, limit: number) => [before.at, before.id, limit + 1] as const

interface SkeletonRow {
  id: number
  at: string
}

/**
 * Runs a statement text as a named prepared statement, built once per database handle: PostgreSQL
 * parses and plans it once per connection instead of on every page, and the text the driver
 * receives is exactly the published one.
 */
function preparedText(db: Db, name: string, text: string, paramCount: number) {
  return prepared(db, name, (d) =>
    d._.session.prepareQuery<PreparedQueryConfig & { execute: { rows: SkeletonRow[] } }>(
      { sql: text, params: Array.from({ length: paramCount }, (_, i) => sql.placeholder(`p${i + 1}`)) },
      undefined,
      name,
      false,
    ),
  )
}

async function run(db: Db, name: string, text: string, params: readonly unknown[]): Promise<SkeletonRow[]> {
  const stmt = preparedText(db, name, text, params.length)
  const result = await stmt.execute(Object.fromEntries(params.map((v, i) => [`p${i + 1}`, v])))
  return result.rows.map((r) => ({ id: Number(r.id), at: String(r.at) }))
}

export function homeFeedIds(db: Db, viewerId: number, before: TimeKey, limit: number) {
  return run(db, 'home_feed_ids', HOME_FEED_SQL, homeFeedParams(viewerId, before, limit))
}

export function exploreIds(db: Db, before: TimeKey, limit: number) {
  return run(db, 'explore_ids', EXPLORE_SQL, exploreParams(before, limit))
}
