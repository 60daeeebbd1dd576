// Account deletion's part in likes (features/deletion calls them).
import { sql } from 'drizzle-orm'
import { likes, posts } from '../../db/schema.js'
import type { Db, DbOrTx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'

/**
 * Removes up to `batch` of the likes `userId` gave, each post's like_count moved with it; how many
 * went. The posts are locked in id order first, the order of every counter write on posts.
 */
export async function purgeLikesOf(db: Db, userId: number, batch: number): Promise<number> {
  return db.transaction(async (tx) => {
    const picked = await queryRows<{ id: number; post_id: number }>(
      tx,
      sql`SELECT id, post_id FROM ${likes} WHERE user_id = ${userId} ORDER BY post_id LIMIT ${batch}`,
    )
    if (picked.length === 0) return 0
    const postIds = `{${picked.map((r) => Number(r.post_id)).join(',')}}`
    await tx.execute(sql`SELECT 1 FROM ${posts} WHERE id = ANY(${postIds}::int[]) ORDER BY id FOR NO KEY UPDATE`)
    await tx.execute(sql`WITH gone AS (
        DELETE FROM ${likes} WHERE id = ANY(${`{${picked.map((r) => Number(r.id)).join(',')}}`}::int[]) RETURNING post_id
      )
      UPDATE ${posts} SET like_count = like_count - 1 WHERE id IN (SELECT post_id FROM gone)`)
    return picked.length
  })
}

/** Everyone's likes of these posts (being purged with their author's account; no counter to keep). */
export async function removeLikesOfPosts(tx: DbOrTx, postIds: number[]): Promise<void> {
  if (postIds.length === 0) return
  await tx.execute(sql`DELETE FROM ${likes} WHERE post_id = ANY(${`{${postIds.join(',')}}`}::int[])`)
}
