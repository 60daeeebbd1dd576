import { and, eq, sql, type SQL } from 'drizzle-orm'
import { likes, posts, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { cursorAt, newestFirst, type TimeKey } from '../../lib/keyset.js'

/** True when this call created the like; the unique (user_id, post_id) index settles races. */
export async function insertLike(tx: DbOrTx, userId: number, postId: number): Promise<boolean> {
  const rows = await tx.insert(likes).values({ userId, postId }).onConflictDoNothing().returning({ id: likes.id })
  return rows.length > 0
}

/** True when this call removed the like. */
export async function deleteLike(tx: DbOrTx, userId: number, postId: number): Promise<boolean> {
  const rows = await tx
    .delete(likes)
    .where(and(eq(likes.userId, userId), eq(likes.postId, postId)))
    .returning({ id: likes.id })
  return rows.length > 0
}

/** Adds `delta` (0 just reads) to posts.like_count and returns the new value. */
export async function adjustLikeCount(tx: DbOrTx, postId: number, delta: -1 | 0 | 1): Promise<number> {
  if (delta === 0) {
    const [row] = await tx.select({ n: posts.likeCount }).from(posts).where(eq(posts.id, postId))
    return row?.n ?? 0
  }
  const [row] = await tx
    .update(posts)
    .set({ likeCount: sql`${posts.likeCount} + ${delta}` })
    .where(eq(posts.id, postId))
    .returning({ n: posts.likeCount })
  return row?.n ?? 0
}

/** Who liked a post, newest first (likes_post_recent_idx); blocked accounts left out. */
/** The liker's id column, for the caller's visibility filter. */
export const likerId = users.id

export async function listLikers(db: DbOrTx, postId: number, before: TimeKey, limit: number, visible: SQL) {
  return db
    .select({
      likeId: likes.id,
      at: cursorAt(likes.createdAt),
      likedAt: likes.createdAt,
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarUrl: users.avatarUrl,
    })
    .from(likes)
    .innerJoin(users, eq(users.id, likes.userId))
    .where(
      and(
        eq(likes.postId, postId),
        eq(users.isBlocked, false),
        visible,
        sql`(${likes.createdAt}, ${likes.id}) < (${before.at}::timestamptz, ${before.id}::int)`,
      ),
    )
    .orderBy(...newestFirst(likes.createdAt, likes.id))
    .limit(limit + 1)
}

/**
 * A block removes the blocked person's likes from the blocker's posts (as Instagram does), with
 * each post's like_count moved in the same statement. The caller holds both users' rows.
 */
export async function removeLikesOnPostsOf(tx: DbOrTx, likerId: number, authorId: number): Promise<void> {
  await tx.execute(sql`WITH gone AS (
    DELETE FROM ${likes} l USING ${posts} p
    WHERE l.post_id = p.id AND p.user_id = ${authorId} AND l.user_id = ${likerId}
    RETURNING l.post_id
  )
  UPDATE ${posts} SET like_count = like_count - 1 WHERE id IN (SELECT post_id FROM gone)`)
}
