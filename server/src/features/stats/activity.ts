// Records which users are active each day (user_daily_activity), for the active_users statistic.
// At most one write per user and day per instance: the set of users already recorded today lives
// in memory and starts empty each UTC day.
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../context.js'
import { subsystemLogger } from '../../logger.js'
import { utcDay } from './dates.js'
import { recordActivity } from './queries.js'

export function registerActivityTracking(app: FastifyInstance, ctx: AppContext) {
  const log = subsystemLogger(ctx.logger, 'jobs')
  let day = ''
  let recorded = new Set<number>()
  app.addHook('onResponse', async (request) => {
    const userId = request.auth?.userId
    if (userId === undefined) return
    const today = utcDay(new Date())
    if (today !== day) {
      day = today
      recorded = new Set()
    }
    if (recorded.has(userId)) return
    recorded.add(userId)
    const set = recorded
    // Off the request's path; a failed write is retried by the user's next request.
    recordActivity(ctx.database.db, userId, today).catch((err) => {
      set.delete(userId)
      log.warn({ err, userId }, 'could not record daily activity')
    })
  })
}
