// The in-process scheduler of the daily statistics. Every instance with JOBS_ENABLED runs one:
// it stores the missing days at start (the backfill), then shortly after each UTC midnight, and
// at least hourly so a failed or missed run heals itself. Several instances are safe: the runs
// serialise on an advisory lock and the later ones find nothing missing.
import type { AppContext } from '../../context.js'
import { startJob } from '../../platform/jobs/index.js'
import { msUntilNextDay } from './dates.js'
import { StatsService } from './service.js'

export interface StatsScheduler {
  /** Runs now (waiting for a run in progress first); resolves to the days written. */
  runOnce(): Promise<string[]>
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>
}

export function startStatsScheduler(ctx: AppContext, opts: { afterMidnightMs?: number; maxIntervalMs?: number } = {}): StatsScheduler {
  const afterMidnightMs = opts.afterMidnightMs ?? 5 * 60_000
  const maxIntervalMs = opts.maxIntervalMs ?? 3_600_000
  const stats = new StatsService(ctx)
  const job = startJob(ctx, {
    name: 'daily-statistics',
    run: () => stats.runOnce(),
    firstRunMs: 0,
    every: () => Math.min(msUntilNextDay(new Date(), afterMidnightMs), maxIntervalMs),
    failure: 'daily statistics run failed; retrying later',
  })
  return {
    runOnce: async () => (await job.runOnce()) ?? [],
    stop: () => job.stop(),
  }
}
