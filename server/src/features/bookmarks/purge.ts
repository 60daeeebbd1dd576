// Account deletion's part in bookmarks (features/deletion calls them).
import { sql } from 'drizzle-orm'
import { bookmarks } from '../../db/schema.js'
import type { Db, DbOrTx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'

/** Removes up to `batch` of the posts `userId` saved; how many went. */
export async function purgeBookmarksOf(db: Db, userId: number, batch: number): Promise<number> {
  const gone = await queryRows<{ id: number }>(
    db,
    sql`DELETE FROM ${bookmarks} WHERE id IN (SELECT id FROM ${bookmarks} WHERE user_id = ${userId} LIMIT ${batch}) RETURNING id`,
  )
  return gone.length
}

/** Everyone's bookmarks of these posts (being purged with their author's account). */
export async function removeBookmarksOfPosts(tx: DbOrTx, postIds: number[]): Promise<void> {
  if (postIds.length === 0) return
  await tx.execute(sql`DELETE FROM ${bookmarks} WHERE post_id = ANY(${`{${postIds.join(',')}}`}::int[])`)
}
