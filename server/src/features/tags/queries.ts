import { eq, sql } from 'drizzle-orm'
import { hashtags, postHashtags } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
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
