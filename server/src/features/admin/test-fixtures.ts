// Test data for the moderation and statistics suites, written straight to the tables (with the
// counters a real write would keep) so these suites do not depend on the posting routes.
import { eq, sql } from 'drizzle-orm'
import { comments, posts, users } from '../../db/schema.js'
import type { Db } from '../../platform/db/index.js'

export const ROOT_ADMIN = { ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: 'admin passphrase 1' }

export async function insertPost(db: Db, userId: number, o: { content?: string; isDeleted?: boolean; createdAt?: Date } = {}) {
  const [row] = await db
    .insert(posts)
    .values({
      userId,
      content: o.content ?? `post by ${userId}`,
      isDeleted: o.isDeleted ?? false,
      imageUrls: [{ url: 'https://cdn.example.test/a.webp', width: 10, height: 10 }],
      ...(o.createdAt ? { createdAt: o.createdAt, updatedAt: o.createdAt } : {}),
    })
    .returning()
  if (!o.isDeleted)
    await db
      .update(users)
      .set({ postsCount: sql`${users.postsCount} + 1` })
      .where(eq(users.id, userId))
  return row!
}

export async function insertComment(
  db: Db,
  o: { postId: number; userId: number; parentCommentId?: number; content?: string; isDeleted?: boolean; createdAt?: Date },
) {
  const [row] = await db
    .insert(comments)
    .values({
      postId: o.postId,
      userId: o.userId,
      parentCommentId: o.parentCommentId ?? null,
      content: o.content ?? `comment by ${o.userId}`,
      isDeleted: o.isDeleted ?? false,
      ...(o.createdAt ? { createdAt: o.createdAt, updatedAt: o.createdAt } : {}),
    })
    .returning()
  if (!o.isDeleted) {
    await db
      .update(posts)
      .set({ commentCount: sql`${posts.commentCount} + 1` })
      .where(eq(posts.id, o.postId))
    if (o.parentCommentId) {
      await db
        .update(comments)
        .set({ replyCount: sql`${comments.replyCount} + 1` })
        .where(eq(comments.id, o.parentCommentId))
    }
  }
  return row!
}

export async function postById(db: Db, id: number) {
  const [row] = await db.select().from(posts).where(eq(posts.id, id))
  return row!
}

export async function commentById(db: Db, id: number) {
  const [row] = await db.select().from(comments).where(eq(comments.id, id))
  return row!
}

export async function userById(db: Db, id: number) {
  const [row] = await db.select().from(users).where(eq(users.id, id))
  return row!
}
