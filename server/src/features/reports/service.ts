import type { AppContext } from '../../context.js'
import { AppError, conflict, notFound } from '../../http/errors.js'
import { isUniqueViolation } from '../../platform/db/errors.js'
import * as q from './queries.js'
import { presentReport } from './views.js'

export interface NewReport {
  reason: q.ReportReason
  description?: string
  userId?: number
  postId?: number
  commentId?: number
}

const TARGET_FIELDS = ['userId', 'postId', 'commentId'] as const

/** Exactly one of userId / postId / commentId, else a 400 naming the fields. */
function pickTarget(input: NewReport): q.ReportTarget {
  const given = TARGET_FIELDS.filter((f) => input[f] !== undefined)
  if (given.length !== 1) {
    const message = 'exactly one of userId, postId or commentId is required'
    throw new AppError(400, 'validation_failed', `A report needs ${message}.`, {
      errors: (given.length ? given : TARGET_FIELDS).map((field) => ({ field, message })),
    })
  }
  const field = given[0]!
  return { type: field === 'userId' ? 'user' : field === 'postId' ? 'post' : 'comment', id: input[field]! }
}

export class ReportsService {
  constructor(private readonly ctx: AppContext) {}

  async create(reporterId: number, input: NewReport) {
    const target = pickTarget(input)
    const ownerId = await q.visibleTargetOwner(this.ctx.database.db, target, reporterId)
    // Hidden targets (deleted content, suspended users, what the reporter may not see) are "not found", as everywhere else.
    if (ownerId === undefined) throw notFound(target.type === 'user' ? 'User' : target.type === 'post' ? 'Post' : 'Comment')
    if (ownerId === reporterId) {
      throw new AppError(
        400,
        'cannot_report_own',
        target.type === 'user' ? 'You cannot report yourself.' : `You cannot report your own ${target.type}.`,
      )
    }
    try {
      const row = await q.insertReport(this.ctx.database.db, {
        reporterId,
        target,
        reason: input.reason,
        description: input.description?.trim() || null,
      })
      return presentReport(row)
    } catch (e) {
      // The unique partial index makes this race-free: of two concurrent submits, one inserts.
      if (isUniqueViolation(e) !== null) {
        throw conflict(`You already reported this ${target.type}; the report is waiting for a moderator.`, 'already_reported')
      }
      throw e
    }
  }
}
