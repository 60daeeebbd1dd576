// Presentation: pure functions from rows to the API's shapes. No I/O here.
import { Type } from '@fastify/type-provider-typebox'
import { reportReason, reportStatus } from '../../db/schema.js'
import { Id, Nullable, Timestamp } from '../../http/schemas.js'
import { targetOf, type ReportRow } from './queries.js'

export const ReportReason = Type.Enum(reportReason.enumValues, { description: 'Why the target is reported.' })
export const ReportStatus = Type.Enum(reportStatus.enumValues)
export const TargetType = Type.Union([Type.Literal('user'), Type.Literal('post'), Type.Literal('comment')])

export const MAX_DESCRIPTION = 1000

/** A report as its author sees it. */
export const Report = Type.Object(
  {
    id: Id,
    reason: ReportReason,
    description: Nullable(Type.String()),
    status: ReportStatus,
    target: Type.Object({ type: TargetType, id: Id }),
    createdAt: Timestamp,
  },
  { title: 'Report' },
)

export function presentReport(r: ReportRow) {
  return {
    id: r.id,
    reason: r.reason,
    description: r.description,
    status: r.status,
    target: targetOf(r),
    createdAt: r.createdAt.toISOString(),
  }
}
