import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { bearer, errors, Id } from '../../http/schemas.js'
import { ReportsService } from './service.js'
import { MAX_DESCRIPTION, Report, ReportReason } from './views.js'

/** Reports per user per hour: generous for honest use, a wall for someone flooding the queue. */
export const REPORTS_PER_HOUR = 20

export function reportsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const reports = new ReportsService(ctx)
  return async (app) => {
    app.post(
      '/reports',
      {
        config: {
          rateLimit: {
            max: REPORTS_PER_HOUR,
            timeWindow: 3_600_000,
            keyGenerator: (req: FastifyRequest) => (req.auth ? `report:user:${req.auth.userId}` : `report:ip:${req.ip}`),
          },
        },
        schema: {
          tags: ['reports'],
          summary: 'Report a user, a post or a comment to the moderators',
          description: `Exactly one of userId, postId, commentId. One pending report per reporter and target (409 \`already_reported\`); reporting yourself or your own content is refused (400 \`cannot_report_own\`). At most ${REPORTS_PER_HOUR} reports an hour.`,
          security: bearer,
          body: Type.Object(
            {
              reason: ReportReason,
              description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION })),
              userId: Type.Optional(Id),
              postId: Type.Optional(Id),
              commentId: Type.Optional(Id),
            },
            { additionalProperties: false },
          ),
          response: { 201: Report, ...errors(400, 401, 404, 409, 429) },
        },
      },
      async (req, reply) => reply.code(201).send(await reports.create(requireUser(req).userId, req.body)),
    )
  }
}
