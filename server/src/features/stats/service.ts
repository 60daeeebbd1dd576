import type { AppContext } from '../../context.js'
import { AppError } from '../../http/errors.js'
import { subsystemLogger } from '../../logger.js'
import { addDays, dayCount, parseDay, utcDay } from './dates.js'
import * as q from './queries.js'

type Totals = Pick<q.DayStats, 'totalPosts' | 'totalLikes' | 'totalComments' | 'totalMessages'>

export const MAX_RANGE_DAYS = 366
export const DEFAULT_RANGE_DAYS = 30

const badDate = (field: string, message: string) =>
  new AppError(400, 'validation_failed', `${field} ${message}.`, { errors: [{ field, message }] })

/**
 * One app_statistics row per complete UTC day. Writers take one advisory lock (per database),
 * so with several instances exactly one computes a given day and the others then find it done;
 * the unique `date` index backs that up. "Today" is never stored: it is computed on request.
 */
export class StatsService {
  private readonly log

  constructor(private readonly ctx: AppContext) {
    this.log = subsystemLogger(ctx.logger, 'jobs')
  }

  private get db() {
    return this.ctx.database.db
  }

  /**
   * Stores every complete day missing since the first account was created (the backfill, and
   * the nightly run: after midnight only yesterday is missing). Returns the days it wrote.
   */
  async runOnce(now = new Date()): Promise<string[]> {
    const yesterday = addDays(utcDay(now), -1)
    const written = await this.db.transaction(async (tx) => {
      await q.lockStatistics(tx)
      const first = await q.firstDay(tx)
      if (first === undefined || first > yesterday) return []
      const missing = await q.missingDays(tx, first, yesterday)
      if (missing.length === 0) return []
      const wanted = new Set(missing)
      const days = (await q.computeDays(tx, missing[0]!, missing[missing.length - 1]!)).filter((d) => wanted.has(d.date))
      await q.saveDays(tx, days, false)
      return missing
    })
    if (written.length)
      this.log.info({ days: written.length, from: written[0], to: written[written.length - 1] }, 'daily statistics stored')
    return written
  }

  /** Recomputes and stores one complete day, replacing what was stored (idempotent). */
  async computeDay(day: string, now = new Date()): Promise<q.DayStats> {
    if (parseDay(day) === undefined) throw badDate('date', 'must be a calendar day (YYYY-MM-DD)')
    if (day >= utcDay(now)) throw badDate('date', 'must be a day that has ended')
    return this.db.transaction(async (tx) => {
      await q.lockStatistics(tx)
      const [stats] = await q.computeDays(tx, day, day)
      await q.saveDays(tx, [stats!], true)
      return stats!
    })
  }

  /**
   * Stored days within the range, plus today computed live when the range includes it, and the
   * running totals at the end of the day before the range: the growth within the range is the
   * last day's total minus those (the first day's total would leave out what that day added —
   * on a fresh instance, the only day there is).
   */
  async range(input: { from?: string; to?: string }, now = new Date()) {
    const today = utcDay(now)
    const to = input.to === undefined ? today : parseDay(input.to)
    if (to === undefined) throw badDate('to', 'must be a calendar day (YYYY-MM-DD)')
    const from = input.from === undefined ? addDays(to, 1 - DEFAULT_RANGE_DAYS) : parseDay(input.from)
    if (from === undefined) throw badDate('from', 'must be a calendar day (YYYY-MM-DD)')
    if (from > to) throw badDate('from', 'must not be after to')
    if (dayCount(from, to) > MAX_RANGE_DAYS) throw badDate('to', `must be at most ${MAX_RANGE_DAYS} days after from`)

    const lastStored = to < today ? to : addDays(today, -1)
    const [stored, live, before] = await Promise.all([
      from <= lastStored ? q.storedDays(this.db, from, lastStored) : [],
      from <= today && today <= to ? q.computeDays(this.db, today, today) : [],
      this.totalsAtEndOf(addDays(from, -1)),
    ])
    return {
      from,
      to,
      before,
      items: [
        ...stored.map(({ computedAt, ...d }) => ({ ...d, live: false, computedAt: computedAt.toISOString() })),
        ...live.map((d) => ({ ...d, live: true, computedAt: now.toISOString() })),
      ],
    }
  }

  /** Running totals at the end of `day`: stored if it is, computed if not, zero before the first account. */
  private async totalsAtEndOf(day: string): Promise<Totals> {
    const first = await q.firstDay(this.db)
    if (first === undefined || day < first) return { totalPosts: 0, totalLikes: 0, totalComments: 0, totalMessages: 0 }
    const [stored] = await q.storedDays(this.db, day, day)
    const stats = stored ?? (await q.computeDays(this.db, day, day))[0]!
    const { totalPosts, totalLikes, totalComments, totalMessages } = stats
    return { totalPosts, totalLikes, totalComments, totalMessages }
  }
}
