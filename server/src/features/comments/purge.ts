// Account deletion's part in comments (features/deletion calls them).
import { sql } from 'drizzle-orm'
import { comments, posts, reports } from '../../db/schema.js'
import type { Db, DbOrTx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'

/**
 * Up to `batch` comments of `userId` that still hold something of theirs. A comment with replies
 * (others' words hang below it) or named by a report (moderators keep their snapshot) becomes a
 * deleted placeholder, its text blanked unless a report names it; any other is removed, with the
 * notifications that point at it. Counters move as for any deletion (softDeleteComment's rule):
 * a live comment leaves its post's comment_count and its parent's reply_count. Posts are locked
 * in id order first, the lock order of every counter write. Returns how many comments it handled.
 */
export async function purgeCommentsOf(
  db: Db,
  userId: number,
  batch: number,
  /** what other features keep about comments that go (notifications, mentions) */
  removeTraces: (tx: DbOrTx, commentIds: number[]) => Promise<void>,
): Promise<number> {
  return db.transaction(async (tx) => {
    const picked = await queryRows<{
      id: number
      post_id: number
      parent_comment_id: number | null
      is_deleted: boolean
      keep: boolean
      reported: boolean
    }>(
      tx,
      sql`SELECT c.id, c.post_id, c.parent_comment_id, c.is_deleted,
                 EXISTS (SELECT 1 FROM ${comments} r WHERE r.parent_comment_id = c.id) OR rep.reported AS keep, rep.reported
          FROM ${comments} c,
               LATERAL (SELECT EXISTS (SELECT 1 FROM ${reports} WHERE reported_comment_id = c.id) AS reported) rep
          WHERE c.user_id = ${userId} AND NOT (c.is_deleted AND (c.content = '' OR rep.reported))
          ORDER BY c.post_id, c.id LIMIT ${batch}`,
    )
    if (picked.length === 0) return 0
    const list = (xs: number[]) => `{${xs.join(',')}}`
    const postIds = [...new Set(picked.map((r) => Number(r.post_id)))]
    await tx.execute(sql`SELECT 1 FROM ${posts} WHERE id = ANY(${list(postIds)}::int[]) ORDER BY id FOR UPDATE`)
    // the live ones leave the counters, whatever becomes of their rows
    const live = picked.filter((r) => !r.is_deleted)
    if (live.length > 0) {
      await tx.execute(sql`UPDATE ${posts} SET comment_count = comment_count - d.n
        FROM (SELECT post_id, count(*)::int AS n FROM ${comments} WHERE id = ANY(${list(live.map((r) => Number(r.id)))}::int[]) GROUP BY post_id) d
        WHERE ${posts}.id = d.post_id`)
      await tx.execute(sql`UPDATE ${comments} SET reply_count = reply_count - d.n
        FROM (SELECT parent_comment_id AS id, count(*)::int AS n FROM ${comments}
              WHERE id = ANY(${list(live.map((r) => Number(r.id)))}::int[]) AND parent_comment_id IS NOT NULL GROUP BY parent_comment_id) d
        WHERE ${comments}.id = d.id`)
    }
    const kept = picked.filter((r) => r.keep)
    if (kept.length > 0) {
      await tx.execute(sql`UPDATE ${comments} SET is_deleted = true,
          content = CASE WHEN EXISTS (SELECT 1 FROM ${reports} WHERE reported_comment_id = ${comments}.id) THEN content ELSE '' END
        WHERE id = ANY(${list(kept.map((r) => Number(r.id)))}::int[])`)
    }
    const removed = picked.filter((r) => !r.keep).map((r) => Number(r.id))
    if (removed.length > 0) {
      await removeTraces(tx, removed)
      await tx.execute(sql`DELETE FROM ${comments} WHERE id = ANY(${list(removed)}::int[])`)
    }
    return picked.length
  })
}

/** The ids of every comment on these posts (being purged with their author's account). */
export async function commentIdsOnPosts(tx: DbOrTx, postIds: number[]): Promise<number[]> {
  if (postIds.length === 0) return []
  const rows = await queryRows<{ id: number }>(tx, sql`SELECT id FROM ${comments} WHERE post_id = ANY(${`{${postIds.join(',')}}`}::int[])`)
  return rows.map((r) => Number(r.id))
}

/** Every comment on these posts, replies with their parents (one statement: the self-reference is checked at its end). */
export async function removeCommentsOnPosts(tx: DbOrTx, postIds: number[]): Promise<void> {
  if (postIds.length === 0) return
  await tx.execute(sql`DELETE FROM ${comments} WHERE post_id = ANY(${`{${postIds.join(',')}}`}::int[])`)
}
