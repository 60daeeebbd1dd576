// SQL of the moderation queue: the skeleton (report rows), the hydration (content, counts) and
// the reads of a decision (its writes are the reports feature's: reports/index.ts).
import { and, desc, eq, inArray, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm'
import { comments, posts, reports } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import type { ReportRow, ReportTarget } from '../reports/index.js'

export type ReportStatus = ReportRow['status']

const targetColumn = { user: reports.reportedUserId, post: reports.reportedPostId, comment: reports.reportedCommentId } as const

/** Newest first; ids are assigned in creation order, so `id DESC` is the keyset. */
export async function listReports(
  db: DbOrTx,
  f: { status?: ReportStatus; targetType?: ReportTarget['type']; beforeId?: number; limit: number },
): Promise<ReportRow[]> {
  return db
    .select()
    .from(reports)
    .where(
      and(
        f.status === undefined ? undefined : eq(reports.status, f.status),
        f.targetType === undefined ? undefined : isNotNull(targetColumn[f.targetType]),
        f.beforeId === undefined ? undefined : lt(reports.id, f.beforeId),
      ),
    )
    .orderBy(desc(reports.id))
    .limit(f.limit + 1)
}

/** Posts by id, deleted or not: moderators see what was reported. */
export async function postsByIds(db: DbOrTx, ids: number[]) {
  if (ids.length === 0) return []
  return db
    .select({
      id: posts.id,
      userId: posts.userId,
      content: posts.content,
      imageUrls: posts.imageUrls,
      mediaRemovedAt: posts.mediaRemovedAt,
      isDeleted: posts.isDeleted,
      createdAt: posts.createdAt,
    })
    .from(posts)
    .where(inArray(posts.id, ids))
}

export async function commentsByIds(db: DbOrTx, ids: number[]) {
  if (ids.length === 0) return []
  return db
    .select({
      id: comments.id,
      userId: comments.userId,
      postId: comments.postId,
      parentCommentId: comments.parentCommentId,
      content: comments.content,
      isDeleted: comments.isDeleted,
      createdAt: comments.createdAt,
    })
    .from(comments)
    .where(inArray(comments.id, ids))
}

/** How many reports (all, and pending) each of the given targets has, in one grouped query. */
export async function reportCounts(db: DbOrTx, t: { userIds: number[]; postIds: number[]; commentIds: number[] }) {
  const any: SQL[] = []
  if (t.userIds.length) any.push(inArray(reports.reportedUserId, t.userIds))
  if (t.postIds.length) any.push(inArray(reports.reportedPostId, t.postIds))
  if (t.commentIds.length) any.push(inArray(reports.reportedCommentId, t.commentIds))
  if (any.length === 0) return []
  return db
    .select({
      userId: reports.reportedUserId,
      postId: reports.reportedPostId,
      commentId: reports.reportedCommentId,
      total: sql<number>`count(*)`.mapWith(Number),
      pending: sql<number>`count(*) FILTER (WHERE ${reports.status} = 'pending')`.mapWith(Number),
    })
    .from(reports)
    .where(or(...any))
    .groupBy(reports.reportedUserId, reports.reportedPostId, reports.reportedCommentId)
}

/** The author of a post or comment, whatever its state. */
export async function authorOf(db: DbOrTx, target: ReportTarget): Promise<number | undefined> {
  if (target.type === 'user') return target.id
  const table = target.type === 'post' ? posts : comments
  const [row] = await db.select({ userId: table.userId }).from(table).where(eq(table.id, target.id))
  return row?.userId
}

export async function listReportsByIds(db: DbOrTx, ids: number[]): Promise<ReportRow[]> {
  if (ids.length === 0) return []
  return db.select().from(reports).where(inArray(reports.id, ids)).orderBy(desc(reports.id))
}
