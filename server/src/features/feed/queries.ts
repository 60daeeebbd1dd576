// Feed skeletons: the ids of one page, newest first, keyset on (created_at, id).
//
// The SQL is kept as plain text with numbered placeholders, each appearing once and in order, so
// the text below is byte for byte what the driver sends: the benchmark replays the same statement
// directly (pgbench -f) to measure what the server adds on top of the database.
import { sql, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/index.js'
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

/** Binds the text's placeholders to drizzle parameters, keeping the text unchanged. */
export function bindText(text: string, params: readonly unknown[]): SQL {
  const chunks: SQL[] = []
  let last = 0
  let expected = 1
  for (const m of text.matchAll(/\$(\d+)/g)) {
    if (Number(m[1]) !== expected) throw new Error(`placeholder $${m[1]} out of order; each must appear once, in order`)
    chunks.push(sql.raw(text.slice(last, m.index)), sql`${params[expected - 1]}`)
    last = m.index + m[0].length
    expected++
  }
  if (expected - 1 !== params.length) throw new Error(`the text has ${expected - 1} placeholders, ${params.length} parameters given`)
  chunks.push(sql.raw(text.slice(last)))
  return sql.join(chunks)
}

interface SkeletonRow {
  id: number
  at: string
}

async function run(db: DbOrTx, text: string, params: readonly unknown[]): Promise<SkeletonRow[]> {
  const result = (await db.execute(bindText(text, params))) as unknown as { rows: SkeletonRow[] }
  return result.rows.map((r) => ({ id: Number(r.id), at: String(r.at) }))
}

export function homeFeedIds(db: DbOrTx, viewerId: number, before: TimeKey, limit: number) {
  return run(db, HOME_FEED_SQL, homeFeedParams(viewerId, before, limit))
}

export function exploreIds(db: DbOrTx, before: TimeKey, limit: number) {
  return run(db, EXPLORE_SQL, exploreParams(before, limit))
}
