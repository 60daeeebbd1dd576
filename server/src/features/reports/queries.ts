import { and, eq, inArray, ne, or, sql, type AnyColumn } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { comments, posts, reports, users } from '../../db/schema.js'
import type { DbOrTx, Tx } from '../../platform/db/index.js'
import { authorVisible, blockedByViewer, notBlockedEitherWay } from '../visibility/index.js'

export type ReportRow = typeof reports.$inferSelect
export type ReportReason = ReportRow['reason']
export type ReportTarget = { type: 'user' | 'post' | 'comment'; id: number }
export type ReportStatus = ReportRow['status']

const targetColumn = { user: reports.reportedUserId, post: reports.reportedPostId, comment: reports.reportedCommentId } as const

/**
 * The owner of a target the reporter may see (features/visibility): a user who is not suspended
 * and does not block the reporter; a live post whose author the reporter may see; a live comment
 * on such a post whose author blocks nobody's way. What only the reporter's own block hides stays
 * reportable ("block and report"). Undefined for anything hidden.
 */
export async function visibleTargetOwner(db: DbOrTx, target: ReportTarget, reporterId: number): Promise<number | undefined> {
  const notBlockedOrOwnBlock = (userId: AnyColumn) => or(notBlockedEitherWay(reporterId, userId), blockedByViewer(reporterId, userId))
  if (target.type === 'user') {
    const [row] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, target.id), eq(users.isBlocked, false), notBlockedOrOwnBlock(users.id)))
    return row?.id
  }
  if (target.type === 'post') {
    const [row] = await db
      .select({ userId: posts.userId })
      .from(posts)
      .innerJoin(users, eq(users.id, posts.userId))
      .where(
        and(
          eq(posts.id, target.id),
          eq(posts.isDeleted, false),
          eq(users.isBlocked, false),
          or(authorVisible(reporterId), blockedByViewer(reporterId, users.id)),
        ),
      )
    return row?.userId
  }
  const postAuthor = alias(users, 'post_author')
  const [row] = await db
    .select({ userId: comments.userId })
    .from(comments)
    .innerJoin(posts, eq(posts.id, comments.postId))
    .innerJoin(users, eq(users.id, comments.userId))
    .innerJoin(postAuthor, eq(postAuthor.id, posts.userId))
    .where(
      and(
        eq(comments.id, target.id),
        eq(comments.isDeleted, false),
        eq(posts.isDeleted, false),
        eq(users.isBlocked, false),
        notBlockedOrOwnBlock(users.id),
        eq(postAuthor.isBlocked, false),
        or(authorVisible(reporterId, 'post_author'), blockedByViewer(reporterId, postAuthor.id)),
      ),
    )
  return row?.userId
}

/** Throws a unique violation on `reports_pending_once_idx` when this reporter already has a pending report on the target. */
export async function insertReport(
  db: DbOrTx,
  values: { reporterId: number; target: ReportTarget; reason: ReportReason; description: string | null },
): Promise<ReportRow> {
  const [row] = await db
    .insert(reports)
    .values({
      reporterId: values.reporterId,
      reportedUserId: values.target.type === 'user' ? values.target.id : null,
      reportedPostId: values.target.type === 'post' ? values.target.id : null,
      reportedCommentId: values.target.type === 'comment' ? values.target.id : null,
      reason: values.reason,
      description: values.description,
    })
    .returning()
  return row!
}

export function targetOf(r: Pick<ReportRow, 'reportedUserId' | 'reportedPostId' | 'reportedCommentId'>): ReportTarget {
  if (r.reportedPostId !== null) return { type: 'post', id: r.reportedPostId }
  if (r.reportedCommentId !== null) return { type: 'comment', id: r.reportedCommentId }
  return { type: 'user', id: r.reportedUserId! }
}

// ---- a moderator's decision (features/admin calls these through ./index.ts) ----

export async function lockReport(tx: Tx, id: number): Promise<ReportRow | undefined> {
  const [row] = await tx.select().from(reports).where(eq(reports.id, id)).for('update')
  return row
}

export async function setReportStatus(tx: Tx, ids: number[], status: ReportStatus, reviewerId: number): Promise<ReportRow[]> {
  if (ids.length === 0) return []
  return tx
    .update(reports)
    .set({ status, reviewedBy: reviewerId, reviewedAt: sql`now()` })
    .where(inArray(reports.id, ids))
    .returning()
}

/** Other open (pending or reviewed) reports of the same target, locked for resolving them together. */
export async function lockOpenReportsOfTarget(tx: Tx, target: ReportTarget, exceptId: number): Promise<number[]> {
  const rows = await tx
    .select({ id: reports.id })
    .from(reports)
    .where(and(eq(targetColumn[target.type], target.id), ne(reports.id, exceptId), inArray(reports.status, ['pending', 'reviewed'])))
    .orderBy(reports.id)
    .for('update')
  return rows.map((r) => r.id)
}
