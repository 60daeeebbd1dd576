import { and, asc, eq, sql, type SQL } from 'drizzle-orm'
import { comments, posts, users } from '../../db/schema.js'
import type { DbOrTx, Tx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import { cursorAt, type TimeKey } from '../../lib/keyset.js'
import { notBlockedEitherWay, notBlockedEitherWaySql } from '../visibility/index.js'
import type { CommentRow } from './views.js'

/**
 * Whether the author is hidden from the viewer: suspended, or a block either way between them.
 * Such a comment is treated like a deleted one (dropped, or a placeholder when it has replies).
 */
const authorHidden = (viewerId: number | undefined) =>
  sql<boolean>`(${users.isBlocked} OR NOT (${notBlockedEitherWay(viewerId, users.id)}))`

const withAuthor = (viewerId: number | undefined) => ({
  id: comments.id,
  postId: comments.postId,
  parentCommentId: comments.parentCommentId,
  content: comments.content,
  isDeleted: comments.isDeleted,
  replyCount: comments.replyCount,
  createdAt: comments.createdAt,
  updatedAt: comments.updatedAt,
  edited: sql<boolean>`${comments.updatedAt} > ${comments.createdAt}`,
  at: cursorAt(comments.createdAt),
  author: {
    id: users.id,
    username: users.username,
    displayName: users.displayName,
    avatarUrl: users.avatarUrl,
    isBlocked: authorHidden(viewerId),
  },
})

/**
 * Skeleton filter: live comments of unblocked authors, plus hidden ones (deleted, or by a blocked
 * author) that have any reply at all: these may have to stay as placeholders, which
 * `withLiveDescendants` settles for the few on a page. Deciding it here with a recursive
 * sub-query per row made PostgreSQL give up the ordered index scan (bench/results/design-measurements.md#comment-threads).
 */
const candidateInThread = (viewerId: number | undefined): SQL => sql`(
  (NOT ${comments.isDeleted} AND NOT ${authorHidden(viewerId)})
  OR EXISTS (SELECT 1 FROM ${comments} r WHERE r.parent_comment_id = ${comments.id})
)`

const after = (key: TimeKey) => sql`(${comments.createdAt}, ${comments.id}) > (${key.at}::timestamptz, ${key.id}::int)`

/** Top-level comments of a post, oldest first (comments_top_level_idx). */
export async function listTopLevel(
  db: DbOrTx,
  postId: number,
  viewerId: number | undefined,
  from: TimeKey,
  limit: number,
): Promise<CommentRow[]> {
  return db
    .select(withAuthor(viewerId))
    .from(comments)
    .innerJoin(users, eq(users.id, comments.userId))
    .where(and(eq(comments.postId, postId), sql`${comments.parentCommentId} IS NULL`, after(from), candidateInThread(viewerId)))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(limit + 1)
}

/** Direct replies to a comment, oldest first (comments_replies_idx). */
export async function listReplies(
  db: DbOrTx,
  parentId: number,
  viewerId: number | undefined,
  from: TimeKey,
  limit: number,
): Promise<CommentRow[]> {
  return db
    .select(withAuthor(viewerId))
    .from(comments)
    .innerJoin(users, eq(users.id, comments.userId))
    .where(and(eq(comments.parentCommentId, parentId), after(from), candidateInThread(viewerId)))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(limit + 1)
}

/**
 * Filter: which of `ids` have a live reply by an unblocked author somewhere below them, at any
 * depth. Those stay in the thread as placeholders; the others are dropped.
 */
export async function withLiveDescendants(db: DbOrTx, ids: number[], viewerId: number | undefined): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await queryRows<{ root: number }>(
    db,
    sql`
    WITH RECURSIVE below AS (
      SELECT r.parent_comment_id AS root, r.id, r.user_id, r.is_deleted
      FROM ${comments} r WHERE r.parent_comment_id = ANY(${`{${ids.join(',')}}`}::int[])
      UNION ALL
      SELECT b.root, r.id, r.user_id, r.is_deleted
      FROM ${comments} r JOIN below b ON r.parent_comment_id = b.id
    )
    SELECT DISTINCT below.root FROM below JOIN ${users} u ON u.id = below.user_id
    WHERE NOT below.is_deleted AND NOT u.is_blocked
      AND ${sql.raw(notBlockedEitherWaySql(viewerId === undefined ? 'NULL' : String(Math.trunc(viewerId)), 'u.id'))}`,
  )
  return new Set(rows.map((r) => Number(r.root)))
}

export async function findComment(db: DbOrTx, id: number, viewerId?: number): Promise<CommentRow | undefined> {
  const [row] = await db
    .select(withAuthor(viewerId))
    .from(comments)
    .innerJoin(users, eq(users.id, comments.userId))
    .where(eq(comments.id, id))
    .limit(1)
  return row
}

/**
 * The comment, row-locked for a change, with whether its author is hidden from `viewerId`
 * (suspended, or a block either way): such a comment is not found for them, like a deleted one.
 */
export async function lockComment(tx: DbOrTx, id: number, viewerId: number) {
  const [row] = await tx
    .select({
      id: comments.id,
      userId: comments.userId,
      postId: comments.postId,
      parentCommentId: comments.parentCommentId,
      isDeleted: comments.isDeleted,
      authorHidden: authorHidden(viewerId),
    })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.userId))
    .where(eq(comments.id, id))
    .for('no key update', { of: comments })
    .limit(1)
  return row
}

export async function postIdOfComment(db: DbOrTx, id: number): Promise<number | undefined> {
  const [row] = await db.select({ postId: comments.postId }).from(comments).where(eq(comments.id, id)).limit(1)
  return row?.postId
}

export async function insertComment(
  tx: DbOrTx,
  values: { userId: number; postId: number; parentCommentId: number | null; content: string },
): Promise<number> {
  const [row] = await tx.insert(comments).values(values).returning({ id: comments.id })
  return row!.id
}

export async function updateCommentContent(tx: DbOrTx, id: number, content: string) {
  await tx
    .update(comments)
    .set({ content, updatedAt: sql`now()` })
    .where(eq(comments.id, id))
}

/**
 * Soft-deletes a comment unless it already is, keeping its post's comment_count and its parent's
 * reply_count right. Returns the comment's post and parent when this call deleted it, null when
 * it was already deleted or does not exist. The caller holds the post's row lock first (the one
 * lock order of every write touching a post's counters). Deletion by the comment's author, the
 * post's author and moderation all go through here.
 */
export async function softDeleteComment(tx: DbOrTx, id: number): Promise<{ postId: number; parentCommentId: number | null } | null> {
  const [row] = await tx
    .update(comments)
    .set({ isDeleted: true })
    .where(and(eq(comments.id, id), eq(comments.isDeleted, false)))
    .returning({ postId: comments.postId, parentCommentId: comments.parentCommentId })
  if (!row) return null
  await adjustCommentCount(tx, row.postId, -1)
  if (row.parentCommentId !== null) await adjustReplyCount(tx, row.parentCommentId, -1)
  return row
}

export async function adjustCommentCount(tx: DbOrTx, postId: number, delta: -1 | 1) {
  await tx
    .update(posts)
    .set({ commentCount: sql`${posts.commentCount} + ${delta}` })
    .where(eq(posts.id, postId))
}

export async function adjustReplyCount(tx: DbOrTx, commentId: number, delta: -1 | 1) {
  await tx
    .update(comments)
    .set({ replyCount: sql`${comments.replyCount} + ${delta}` })
    .where(eq(comments.id, commentId))
}

/**
 * Locks the post a comment belongs to, as every write touching a post's counters does first, so
 * a moderator's deletion and the author's cannot deadlock. False when there is no such comment.
 */
export async function lockPostOfComment(tx: Tx, commentId: number): Promise<boolean> {
  const [post] = await tx
    .select({ id: posts.id })
    .from(posts)
    .where(sql`${posts.id} = (SELECT ${comments.postId} FROM ${comments} WHERE ${comments.id} = ${commentId})`)
    .for('update')
  return post !== undefined
}

/** A moderator's deletion: the same as the author's, after locking the post first as every counter write does. */
export async function deleteCommentAsModerator(tx: Tx, id: number): Promise<boolean> {
  return (await lockPostOfComment(tx, id)) && (await softDeleteComment(tx, id)) !== null
}

/**
 * A block hides the blocked person's comments on the blocker's posts (as Instagram does): each
 * becomes deleted through `softDeleteComment`, so counters move and a comment with replies stays
 * as a placeholder. The caller holds both users' rows; posts are locked here in id order, the
 * lock order of every counter write.
 */
export async function hideCommentsOnPostsOf(tx: Tx, commenterId: number, authorId: number): Promise<void> {
  const rows = await queryRows<{ id: number; post_id: number }>(
    tx,
    sql`SELECT c.id, c.post_id FROM ${comments} c JOIN ${posts} p ON p.id = c.post_id
        WHERE c.user_id = ${commenterId} AND p.user_id = ${authorId} AND NOT c.is_deleted ORDER BY c.post_id, c.id`,
  )
  const postIds = [...new Set(rows.map((r) => Number(r.post_id)))]
  if (postIds.length > 0) {
    await tx.execute(
      sql`SELECT 1 FROM ${posts} WHERE id IN (${sql.join(
        postIds.map((id) => sql`${id}`),
        sql`, `,
      )}) ORDER BY id FOR UPDATE`,
    )
  }
  for (const r of rows) await softDeleteComment(tx, Number(r.id))
}
