import type { AppContext } from '../../context.js'
import { AppError, conflict, notFound } from '../../http/errors.js'
import { decodeCursor, paginate } from '../../lib/keyset.js'
import { subsystemLogger } from '../../logger.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { lockOpenReportsOfTarget, lockReport, type ReportRow, type ReportTarget, setReportStatus, targetOf } from '../reports/index.js'
import type { AuthService } from '../auth/index.js'
import { hideDeletedPostPhotos, HiddenMediaUrls } from '../media/index.js'
import { recordAdminAction } from './audit.js'
import { beginAdminWrite, blockUser, deleteContent, ensureActor } from './moderation.js'
import { userRefsByIds } from './queries.js'
import * as rq from './report-queries.js'
import { presentAdminReport, type ContentRow } from './views.js'

export type ReportAction = 'none' | 'delete_content' | 'block_user'

/** pending → reviewed → resolved | dismissed, or pending → resolved | dismissed; nothing leaves a final state. */
const NEXT: Record<rq.ReportStatus, rq.ReportStatus[]> = {
  pending: ['reviewed', 'resolved', 'dismissed'],
  reviewed: ['resolved', 'dismissed'],
  resolved: [],
  dismissed: [],
}

export function canMove(from: rq.ReportStatus, to: rq.ReportStatus): boolean {
  return NEXT[from].includes(to)
}

export class AdminReportsService {
  private readonly log
  private readonly mediaUrls: HiddenMediaUrls

  constructor(
    private readonly ctx: AppContext,
    private readonly auth: AuthService,
  ) {
    this.log = subsystemLogger(ctx.logger, 'admin')
    this.mediaUrls = new HiddenMediaUrls(ctx.config.jwtSecret, ctx.config.publicUrl, ctx.storage)
  }

  private get db() {
    return this.ctx.database.db
  }

  async list(f: { status?: rq.ReportStatus; targetType?: ReportTarget['type']; cursor?: string; limit: number }) {
    const before = decodeCursor<[number]>(f.cursor, ['number'])
    const rows = await rq.listReports(this.db, { status: f.status, targetType: f.targetType, beforeId: before?.[0], limit: f.limit })
    const page = paginate(rows, f.limit, (r) => [r.id])
    return { items: await this.hydrate(page.items), nextCursor: page.nextCursor }
  }

  /**
   * Moves a report along its lifecycle and applies the decision in the same transaction. Acting
   * (delete_content, block_user) is a resolution: it needs status `resolved`, and it resolves the
   * target's other open reports with it, so the queue does not ask twice about the same thing.
   */
  async decide(actorId: number, reportId: number, input: { status: rq.ReportStatus; action?: ReportAction }) {
    const action = input.action ?? 'none'
    if (action !== 'none' && input.status !== 'resolved') {
      throw new AppError(400, 'action_requires_resolved', `The action ${action} resolves the report: send status "resolved" with it.`, {
        errors: [{ field: 'action', message: 'needs status "resolved"' }],
      })
    }
    const outcome = await inTransaction(
      this.db,
      async (tx, afterCommit) => {
        const w = await beginAdminWrite(tx, afterCommit, this.log, actorId)
        ensureActor(w)
        const report = await lockReport(tx, reportId)
        if (!report) throw notFound('Report')
        if (!canMove(report.status, input.status)) {
          throw conflict(`A ${report.status} report cannot become ${input.status}.`, 'illegal_transition')
        }
        const target = targetOf(report)
        const effects: Record<string, unknown> = {}
        let blockedUserId: number | undefined
        if (action === 'delete_content') {
          effects.contentDeleted = await deleteContent(w, target, { reportId })
          // the post's photos leave the public area before the answer (the media job retries a failure)
          if (effects.contentDeleted && target.type === 'post')
            afterCommit(() => hideDeletedPostPhotos(this.ctx, [target.id]).then(() => {}))
        } else if (action === 'block_user') {
          const userId = await rq.authorOf(tx, target)
          if (userId === undefined) throw notFound('Reported user')
          effects.userBlocked = await blockUser(w, userId, { reportId })
          effects.blockedUserId = blockedUserId = userId
        }
        const siblings = action === 'none' ? [] : await lockOpenReportsOfTarget(tx, target, report.id)
        await setReportStatus(tx, [report.id, ...siblings], input.status, actorId)
        if (siblings.length) effects.alsoResolved = siblings
        await recordAdminAction(this.log, tx, afterCommit, {
          actorId,
          action: 'report.update',
          targetType: 'report',
          targetId: report.id,
          details: { from: report.status, to: input.status, action, target, ...effects },
        })
        return { blockedUserId }
      },
      (err) => this.log.error({ err }, 'after-commit step of a report decision failed'),
    )
    if (outcome.blockedUserId !== undefined) await this.auth.revokeAllSessions(outcome.blockedUserId, 'blocked')
    const [row] = await rq.listReportsByIds(this.db, [reportId])
    return (await this.hydrate([row!]))[0]!
  }

  /** The page's targets, people and counts in a constant number of queries (five), whatever the page size. */
  private async hydrate(rows: ReportRow[]) {
    const targets = rows.map(targetOf)
    const idsOf = (type: ReportTarget['type']) => [...new Set(targets.filter((t) => t.type === type).map((t) => t.id))]
    const userIds = idsOf('user')
    const postIds = idsOf('post')
    const commentIds = idsOf('comment')
    const [postRows, commentRows, counts] = await Promise.all([
      rq.postsByIds(this.db, postIds),
      rq.commentsByIds(this.db, commentIds),
      rq.reportCounts(this.db, { userIds, postIds, commentIds }),
    ])
    const content = new Map<string, ContentRow>()
    for (const p of postRows) content.set(`post:${p.id}`, p)
    for (const c of commentRows) content.set(`comment:${c.id}`, c)
    const people = rows
      .flatMap((r) => [r.reporterId, r.reviewedBy ?? 0])
      .concat(
        userIds,
        [...content.values()].map((c) => c.userId),
      )
    const users = new Map(
      (
        await userRefsByIds(
          this.db,
          people.filter((id) => id > 0),
        )
      ).map((u) => [u.id, u]),
    )
    const countOf = new Map<string, { total: number; pending: number }>()
    for (const c of counts) {
      const key = c.userId !== null ? `user:${c.userId}` : c.postId !== null ? `post:${c.postId}` : `comment:${c.commentId}`
      countOf.set(key, { total: c.total, pending: c.pending })
    }
    return rows.map((report, i) => {
      const key = `${targets[i]!.type}:${targets[i]!.id}`
      return presentAdminReport(
        { report, users, content: content.get(key), counts: countOf.get(key) },
        // a deleted post's photos are no longer public: signed URLs of the admin-only route
        (url) => this.mediaUrls.forPhotoUrl(url),
      )
    })
  }
}
