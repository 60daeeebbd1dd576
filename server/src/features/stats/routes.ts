import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { bearer, errors, Timestamp } from '../../http/schemas.js'
import { DAY_PATTERN } from './dates.js'
import { DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS, StatsService } from './service.js'

const Day = Type.String({ pattern: DAY_PATTERN, description: 'A UTC calendar day, YYYY-MM-DD.' })

const StatsDay = Type.Object(
  {
    date: Day,
    activeUsers: Type.Integer({ description: 'Distinct users active that day (any authenticated request, sign-in or session refresh).' }),
    newUsers: Type.Integer({ description: 'Accounts created that day.' }),
    totalPosts: Type.Integer({ description: 'Posts created by the end of the day and not deleted.' }),
    totalLikes: Type.Integer({ description: 'Likes given by the end of the day and not taken back.' }),
    totalComments: Type.Integer({ description: 'Comments written by the end of the day and not deleted.' }),
    totalMessages: Type.Integer({ description: 'Direct messages sent by the end of the day and not deleted.' }),
    live: Type.Boolean({ description: 'true for today: computed on request, not stored until the day ends.' }),
    computedAt: Timestamp,
  },
  { title: 'StatsDay' },
)

/** Mounted under /admin, behind its admin-only hook. */
export function statsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const stats = new StatsService(ctx)
  return async (app) => {
    app.get(
      '/stats',
      {
        schema: {
          tags: ['admin'],
          summary: 'Daily statistics',
          description: `Stored rows of app_statistics from \`from\` to \`to\` (UTC days, both included, at most ${MAX_RANGE_DAYS}; default the last ${DEFAULT_RANGE_DAYS} days up to today), oldest first, with today computed live. Days before the first account, or not yet computed, are absent. The range is the paging: no cursor.`,
          security: bearer,
          querystring: Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day) }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              from: Day,
              to: Day,
              before: Type.Object(
                {
                  totalPosts: Type.Integer(),
                  totalLikes: Type.Integer(),
                  totalComments: Type.Integer(),
                  totalMessages: Type.Integer(),
                },
                {
                  description:
                    'Running totals at the end of the day before `from` (zeros before the first account). The growth within the range is the last item’s total minus these.',
                },
              ),
              items: Type.Array(StatsDay),
            }),
            ...errors(400, 401, 403),
          },
        },
      },
      async (req) => stats.range(req.query),
    )
  }
}
