// Account deletion's part in posts (features/deletion drives it): a batch of the account's posts
// is picked, their photos leave storage, then in one transaction the posts no report names are
// removed (the caller first removes what hangs on them: likes, bookmarks, comments, notifications)
// and the reported ones stay as deleted posts without photos, the snapshot moderators see.
import { sql } from 'drizzle-orm'
import { comments, posts, reports } from '../../db/schema.js'
import type { DbOrTx, Tx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'

// a post already reduced to the moderators' snapshot needs nothing more
const NOT_DONE = sql`NOT (p.is_deleted AND (p.image_urls IS NULL OR p.media_removed_at IS NOT NULL))`
const REPORTED = sql`(EXISTS (SELECT 1 FROM ${reports} r WHERE r.reported_post_id = p.id)
  OR EXISTS (SELECT 1 FROM ${comments} c JOIN ${reports} r ON r.reported_comment_id = c.id WHERE c.post_id = p.id))`

/** Up to `batch` of the account's posts still to purge (not locked: the photos go first, outside a transaction). */
export async function postsToPurge(db: DbOrTx, userId: number, batch: number): Promise<{ id: number; imageUrls: unknown }[]> {
  const rows = await queryRows<{ id: number; image_urls: unknown }>(
    db,
    sql`SELECT p.id, p.image_urls FROM ${posts} p WHERE p.user_id = ${userId} AND (${NOT_DONE} OR NOT ${REPORTED})
        ORDER BY p.id LIMIT ${batch}`,
  )
  return rows.map((r) => ({
    id: Number(r.id),
    imageUrls: typeof r.image_urls === 'string' ? (JSON.parse(r.image_urls) as unknown) : r.image_urls,
  }))
}

/** Locks the batch's posts in id order and splits them into those to remove and those a report keeps. */
export async function lockPurgeBatch(tx: Tx, ids: number[]): Promise<{ remove: number[]; keep: number[] }> {
  if (ids.length === 0) return { remove: [], keep: [] }
  const rows = await queryRows<{ id: number; reported: boolean }>(
    tx,
    sql`SELECT p.id, ${REPORTED} AS reported FROM ${posts} p WHERE p.id = ANY(${`{${ids.join(',')}}`}::int[]) ORDER BY p.id FOR UPDATE`,
  )
  return { remove: rows.filter((r) => !r.reported).map((r) => Number(r.id)), keep: rows.filter((r) => r.reported).map((r) => Number(r.id)) }
}

/** The end of a batch: removes `remove` (nothing may reference them by now) and reduces `keep` to a deleted post without photos. */
export async function finishPurgeBatch(tx: Tx, batch: { remove: number[]; keep: number[] }): Promise<void> {
  const list = (xs: number[]) => `{${xs.join(',')}}`
  if (batch.remove.length > 0) await tx.execute(sql`DELETE FROM ${posts} WHERE id = ANY(${list(batch.remove)}::int[])`)
  if (batch.keep.length > 0) {
    await tx.execute(sql`UPDATE ${posts} SET is_deleted = true, deleted_at = coalesce(deleted_at, now()),
        media_hidden_at = coalesce(media_hidden_at, now()),
        media_removed_at = CASE WHEN image_urls IS NULL THEN media_removed_at ELSE coalesce(media_removed_at, now()) END
      WHERE id = ANY(${list(batch.keep)}::int[])`)
  }
}
