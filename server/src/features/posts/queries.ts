import { and, eq, sql } from 'drizzle-orm'
import { posts, users } from '../../db/schema.js'
import type { Db, DbOrTx } from '../../platform/db/index.js'
import type { TimeKey } from '../../lib/keyset.js'
import { syncPostTags } from '../tags/index.js'
import { adjustPostsCount } from '../users/index.js'
import { authorVisible } from '../visibility/index.js'
import { postPageSql, runPostPage } from './page.js'

/**
 * Skeletons of the posts' own lists, wrapped into page statements (page.ts). Parameters:
 * a single post: $1 post id, $2 viewer id (NULL when anonymous);
 * a profile (posts_user_feed_idx): $1 author id, $2 cursor time, $3 cursor id, $4 page size + 1, $5 viewer id.
 */
export const POST_SQL = postPageSql(`SELECT p.id, p.created_at FROM posts p WHERE p.id = $1::int`, '$2')
export const USER_POSTS_SQL = postPageSql(
  `SELECT p.id, p.created_at
FROM posts p
WHERE p.user_id = $1::int AND NOT p.is_deleted AND (p.created_at, p.id) < ($2::timestamptz, $3::int)
ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
LIMIT (SELECT $4::int)`,
  '$5',
)

export async function loadPost(db: Db, id: number, viewerId: number | undefined) {
  const page = await runPostPage(db, 'post_page', POST_SQL, [id, viewerId ?? null], 1)
  return page.items[0]
}

export function userPostsPage(db: Db, userId: number, viewerId: number | undefined, before: TimeKey, limit: number) {
  return runPostPage(db, 'user_posts_page', USER_POSTS_SQL, [userId, before.at, before.id, limit + 1, viewerId ?? null], limit)
}

/**
 * A post `viewerId` may see, like and comment on: live, and its author passes the visibility rule
 * (safety/visibility.ts: not suspended, no block either way, public or followed). `lock` takes
 * the post row, so every write touching its counters queues in one order (no deadlocks); writes
 * that also take the two people's rows (likes, comments: safety's lockPairShared) take those
 * first, through `authorOfPost`.
 */
export async function findVisiblePost(db: DbOrTx, postId: number, opts: { lock?: boolean; viewerId: number | undefined }) {
  const query = db
    .select({ id: posts.id, userId: posts.userId })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.userId))
    .where(and(eq(posts.id, postId), eq(posts.isDeleted, false), authorVisible(opts.viewerId)))
    .limit(1)
  const [row] = opts.lock ? await query.for('no key update', { of: posts }) : await query
  return row
}

/** Locks the row of a post's author (FOR NO KEY UPDATE); false when there is no such post. */
async function lockAuthorOf(tx: DbOrTx, postId: number): Promise<boolean> {
  const authorId = await authorOfPost(tx, postId)
  if (authorId === undefined) return false
  await tx.select({ id: users.id }).from(users).where(eq(users.id, authorId)).for('no key update')
  return true
}

/** Who wrote a post (never changes), read without locks so a write can lock the people first. */
export async function authorOfPost(db: DbOrTx, postId: number): Promise<number | undefined> {
  const [row] = await db.select({ userId: posts.userId }).from(posts).where(eq(posts.id, postId)).limit(1)
  return row?.userId
}

/**
 * The post, row-locked for an edit or a delete, with whether `viewerId` may see it (the
 * visibility rule): what the viewer may not see is not found, whoever they are. The author's row
 * is locked first: a delete moves the author's posts_count, and likes and comments hold the
 * author's row shared before they lock the post (visibility's lockPairShared), so taking the post
 * first here could deadlock with a like of the same post.
 */
export async function lockPost(tx: DbOrTx, id: number, viewerId: number) {
  if (!(await lockAuthorOf(tx, id))) return undefined
  const [row] = await tx
    .select({
      id: posts.id,
      userId: posts.userId,
      isDeleted: posts.isDeleted,
      imageUrls: posts.imageUrls,
      visible: sql<boolean>`${authorVisible(viewerId)}`,
      sensitive: posts.sensitive,
      spoilerText: posts.spoilerText,
    })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.userId))
    .where(eq(posts.id, id))
    .for('no key update', { of: posts })
    .limit(1)
  return row
}

export async function insertPost(
  tx: DbOrTx,
  values: { userId: number; content: string; imageUrls: unknown[] | null; sensitive: boolean; spoilerText: string | null },
) {
  const [row] = await tx.insert(posts).values(values).returning({ id: posts.id })
  return row!.id
}

export type PostChanges = Partial<{ content: string; imageUrls: unknown[]; sensitive: boolean; spoilerText: string | null }>

/** Any edit marks the post edited (updated_at), as the text's does. */
export async function updatePost(tx: DbOrTx, id: number, changes: PostChanges) {
  await tx
    .update(posts)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(posts.id, id))
}

/**
 * Soft-deletes a post unless it already is, recording when (its photos leave storage
 * MEDIA_RETENTION_DAYS later), and keeps its author's posts_count right. Returns the author when
 * this call deleted it, null when it was already deleted or does not exist. The author's own
 * deletion and moderation both go through here.
 */
export async function softDeletePost(tx: DbOrTx, id: number): Promise<{ userId: number } | null> {
  // The author's row before the post's, as lockPost explains (moderation comes here directly).
  if (!(await lockAuthorOf(tx, id))) return null
  const [row] = await tx
    .update(posts)
    .set({ isDeleted: true, deletedAt: sql`now()` })
    .where(and(eq(posts.id, id), eq(posts.isDeleted, false)))
    .returning({ userId: posts.userId })
  if (!row) return null
  await adjustPostsCount(tx, row.userId, -1)
  // a deleted post leaves its tags' pages, counters and trending at once
  await syncPostTags(tx, id, null)
  return row
}
