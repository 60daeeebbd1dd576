import { and, eq, sql } from 'drizzle-orm'
import { hashtags, postHashtags, tagFollows } from '../../db/schema.js'
import type { Db, DbOrTx } from '../../platform/db/index.js'
import type { TimeKey } from '../../lib/keyset.js'
import { postPageSql, runPostPage } from '../posts/index.js'
import { authorVisibleSql, notMutedSql } from '../visibility/index.js'
import { queryRows } from '../../platform/db/rows.js'

const intArray = (ids: number[]) => `{${ids.map((i) => Math.trunc(i)).join(',')}}`

/** The tags a post carries now: id and name. */
export async function tagsOfPost(tx: DbOrTx, postId: number): Promise<{ id: number; name: string }[]> {
  return tx
    .select({ id: hashtags.id, name: hashtags.name })
    .from(postHashtags)
    .innerJoin(hashtags, eq(hashtags.id, postHashtags.hashtagId))
    .where(eq(postHashtags.postId, postId))
}

/**
 * Moves the live-post counters of tags by name, creating the tags that do not exist yet, and
 * returns their ids. One statement whose rows are in name order: two posts taking the same tags
 * lock their rows in the same order (no deadlock), and two posts creating the same new tag at
 * once end with one row (the second waits for the first's insert, then takes the conflict path).
 */
export async function adjustTagCounts(tx: DbOrTx, deltas: Map<string, number>): Promise<Map<string, number>> {
  const entries = [...deltas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  if (entries.length === 0) return new Map()
  const rows = await queryRows<{ id: number; name: string }>(
    tx,
    sql`INSERT INTO hashtags AS h (name, post_count)
      SELECT e.v->>0, (e.v->>1)::int FROM jsonb_array_elements(${JSON.stringify(entries)}::jsonb) WITH ORDINALITY AS e(v, n)
      ORDER BY e.n
      ON CONFLICT (name) DO UPDATE SET post_count = h.post_count + excluded.post_count
      RETURNING h.id, h.name`,
  )
  return new Map(rows.map((r) => [r.name, Number(r.id)]))
}

/** Links a post to tags, copying its author and created_at (the keys the tag page and feed page on). */
export async function linkPost(tx: DbOrTx, postId: number, tagIds: number[]) {
  if (tagIds.length === 0) return
  await tx.execute(sql`INSERT INTO post_hashtags (post_id, hashtag_id, user_id, created_at)
    SELECT p.id, t.id, p.user_id, p.created_at FROM posts p CROSS JOIN unnest(${intArray(tagIds)}::int[]) AS t(id)
    WHERE p.id = ${postId}::int
    ON CONFLICT DO NOTHING`)
}

export async function unlinkPost(tx: DbOrTx, postId: number, tagIds: number[]) {
  if (tagIds.length === 0) return
  await tx.execute(sql`DELETE FROM post_hashtags WHERE post_id = ${postId}::int AND hashtag_id = ANY(${intArray(tagIds)}::int[])`)
}

/**
 * Trending's per-hour use: +1 or -1 for each tag, in the UTC hour the post was made, by its
 * author; a row that falls to zero goes. Rows in tag order, for the same reason as adjustTagCounts.
 */
export async function adjustUsage(tx: DbOrTx, postId: number, tagIds: number[], delta: 1 | -1) {
  if (tagIds.length === 0) return
  const ids = intArray([...tagIds].sort((a, b) => a - b))
  if (delta === 1) {
    await tx.execute(sql`INSERT INTO hashtag_usage AS u (hour, hashtag_id, user_id, uses)
      SELECT date_trunc('hour', p.created_at, 'UTC'), t.id, p.user_id, 1
      FROM posts p CROSS JOIN unnest(${ids}::int[]) WITH ORDINALITY AS t(id, n)
      WHERE p.id = ${postId}::int
      ORDER BY t.n
      ON CONFLICT (hour, hashtag_id, user_id) DO UPDATE SET uses = u.uses + 1`)
  } else {
    const at = sql`(hour, user_id) = (SELECT date_trunc('hour', p.created_at, 'UTC'), p.user_id FROM posts p WHERE p.id = ${postId}::int)
      AND hashtag_id = ANY(${ids}::int[])`
    await tx.execute(sql`UPDATE hashtag_usage SET uses = uses - 1 WHERE ${at}`)
    await tx.execute(sql`DELETE FROM hashtag_usage WHERE ${at} AND uses <= 0`)
  }
}

export async function findTagByName(db: DbOrTx, name: string) {
  const [row] = await db
    .select({ id: hashtags.id, name: hashtags.name, postCount: hashtags.postCount })
    .from(hashtags)
    .where(eq(hashtags.name, name))
    .limit(1)
  return row
}

export async function isFollowingTag(db: DbOrTx, userId: number, tagId: number) {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(tagFollows)
    .where(and(eq(tagFollows.userId, userId), eq(tagFollows.hashtagId, tagId)))
    .limit(1)
  return row !== undefined
}

/** Idempotent: the primary key settles repeats and races. */
export async function followTag(db: DbOrTx, userId: number, tagId: number) {
  await db.insert(tagFollows).values({ userId, hashtagId: tagId }).onConflictDoNothing()
}

export async function unfollowTag(db: DbOrTx, userId: number, tagId: number) {
  await db.delete(tagFollows).where(and(eq(tagFollows.userId, userId), eq(tagFollows.hashtagId, tagId)))
}

/** The tag's row, created (with no posts) when it does not exist yet: a tag may be followed before anyone uses it. */
export async function ensureTag(db: DbOrTx, name: string): Promise<number> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`WITH ins AS (INSERT INTO hashtags (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING RETURNING id)
      SELECT id FROM ins UNION ALL SELECT id FROM hashtags WHERE name = ${name}`,
  )
  // a tag created by a concurrent transaction after this statement's snapshot: read it again
  const id = rows[0]?.id ?? (await findTagByName(db, name))!.id
  return Number(id)
}

export type TrendingWindow = 'day' | 'week'

/**
 * Tags by distinct people using them in the last 24 or 168 hourly buckets (the current hour
 * included), counting only people whose posts everyone may see (public accounts, not suspended).
 * Reads hashtag_usage's primary key from the window's first hour: rows per (hour, tag, person),
 * not posts.
 */
export async function trendingTags(db: DbOrTx, window: TrendingWindow, limit: number) {
  const hours = window === 'day' ? 23 : 167
  const rows = await queryRows<{ name: string; people: number }>(
    db,
    sql`SELECT h.name, count(DISTINCT hu.user_id)::int AS people
      FROM hashtag_usage hu
      JOIN users u ON u.id = hu.user_id
      JOIN hashtags h ON h.id = hu.hashtag_id
      WHERE hu.hour >= date_trunc('hour', now(), 'UTC') - make_interval(hours => ${hours}::int)
        AND NOT u.is_private AND NOT u.is_blocked
      GROUP BY h.name
      ORDER BY people DESC, h.name
      LIMIT ${limit}::int`,
  )
  return rows.map((r) => ({ name: r.name, people: Number(r.people) }))
}

/**
 * A tag's posts, newest first, as a page statement: the skeleton pages on
 * post_hashtags_tag_recent_idx (hashtag_id, created_at, post_id) and applies the visibility rule
 * and the viewer's mutes to each author there, so a page is not thinned by what the viewer may
 * not see; the hydrate stage drops posts deleted since. Parameters: $1 tag name (normalised),
 * $2 cursor time, $3 cursor post id, $4 page size + 1, $5 viewer id (NULL when anonymous).
 */
const tagPostsSql = () =>
  postPageSql(
    `SELECT ph.post_id AS id, ph.created_at
FROM post_hashtags ph JOIN users u ON u.id = ph.user_id
WHERE ph.hashtag_id = (SELECT h.id FROM hashtags h WHERE h.name = $1::text)
  AND (ph.created_at, ph.post_id) < ($2::timestamptz, $3::int)
  AND ${authorVisibleSql('$5', 'u')} AND ${notMutedSql('$5', 'ph.user_id')}
ORDER BY ph.created_at DESC NULLS LAST, ph.post_id DESC NULLS LAST
LIMIT (SELECT $4::int)`,
    '$5',
  )

let TAG_POSTS_SQL: string | undefined

/** The tag page's statement text (also what the discovery benchmark runs directly). */
export function tagPostsStatement(): string {
  // built on first use: posts imports this feature (syncPostTags), so posts' page.ts may not be
  // evaluated yet when this module is
  TAG_POSTS_SQL ??= tagPostsSql()
  return TAG_POSTS_SQL
}

export function tagPostsPage(db: Db, name: string, viewerId: number | undefined, before: TimeKey, limit: number) {
  return runPostPage(db, 'tag_posts_page', tagPostsStatement(), [name, before.at, before.id, limit + 1, viewerId ?? null], limit)
}

/**
 * The home feed's followed-tags branch, as SQL text for the feed's statement (features/feed): the
 * newest posts before the cursor of each tag the viewer follows, at most a page per tag (one
 * probe of tag_follows' primary key, then one short range of post_hashtags_tag_recent_idx per
 * tag), by authors the viewer may see and has not muted. Arguments are the placeholders of the
 * feed's statement. A viewer who follows no tag pays the one probe.
 */
export function followedTagPostsSql(viewer: string, cursorAt: string, cursorId: string, pageSize: string): string {
  return `SELECT tp.id, tp.created_at
  FROM tag_follows tf
  CROSS JOIN LATERAL (
    SELECT ph.post_id AS id, ph.created_at
    FROM post_hashtags ph JOIN users u ON u.id = ph.user_id
    WHERE ph.hashtag_id = tf.hashtag_id AND (ph.created_at, ph.post_id) < (${cursorAt}::timestamptz, ${cursorId}::int)
      AND ${authorVisibleSql(viewer, 'u')} AND ${notMutedSql(viewer, 'ph.user_id')}
    ORDER BY ph.created_at DESC NULLS LAST, ph.post_id DESC NULLS LAST
    LIMIT (SELECT ${pageSize}::int)
  ) tp
  WHERE tf.user_id = ${viewer}::int`
}
