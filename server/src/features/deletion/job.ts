// Runs the purge of deleted accounts whose grace period is over, in every instance with
// JOBS_ENABLED; the advisory lock lets one instance at a time work, the others skip their turn.
import type { AppContext } from '../../context.js'
import { startJob } from '../../platform/jobs/index.js'
import type { Media } from '../media/index.js'
import { accountsDueForPurge } from '../users/index.js'
import { purgeAccount } from './purge.js'

export interface PurgeRun {
  purged: number[]
  /** true when accounts are left (stopped early, or more were due than one run takes) */
  more: boolean
}

export interface PurgeJob {
  /**
   * One run now: purges the accounts due at `now`. `maxBatches` cuts it short after that many
   * batches (tests of resumption). Null when another instance held the lock.
   */
  runOnce(opts?: { now?: Date; maxBatches?: number }): Promise<PurgeRun | null>
  stop(): Promise<void>
}

/** Accounts one run takes on before it lets the schedule breathe (it runs `again` while more are due). */
const ACCOUNTS_PER_RUN = 5

export function startAccountPurge(
  ctx: Pick<AppContext, 'database' | 'storage' | 'logger'>,
  media: Pick<Media, 'removeAvatar'>,
  opts: { intervalMs?: number; firstRunMs?: number; schedule?: boolean; batch?: number } = {},
): PurgeJob {
  const batch = opts.batch ?? 500
  const job = startJob<PurgeRun, { now?: Date; maxBatches?: number }>(ctx, {
    name: 'account-purge',
    lock: 'accountPurge',
    every: opts.intervalMs ?? 5 * 60_000,
    firstRunMs: opts.firstRunMs ?? 60_000,
    schedule: opts.schedule,
    again: (r) => r.more,
    failure: 'account purge failed; the next run resumes it',
    async run({ now = new Date(), maxBatches = Infinity } = {}) {
      let batches = 0
      const shouldStop = () => job.stopping || batches++ >= maxBatches
      const due = await accountsDueForPurge(ctx.database.db, now, ACCOUNTS_PER_RUN)
      const purged: number[] = []
      for (const userId of due) {
        if ((await purgeAccount(ctx, media, job.log, userId, { batch, shouldStop })) === 'stopped') return { purged, more: true }
        purged.push(userId)
      }
      return { purged, more: due.length === ACCOUNTS_PER_RUN }
    },
  })
  return { runOnce: (o) => job.runOnce(o), stop: () => job.stop() }
}
