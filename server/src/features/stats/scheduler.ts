// The in-process scheduler of the daily statistics. Every instance with JOBS_ENABLED runs one:
// it stores the missing days at start (the backfill), then shortly after each UTC midnight, and
// at least hourly so a failed or missed run heals itself. Several instances are safe: the runs
// serialise on an advisory lock and the later ones find nothing missing.
import type { AppContext } from '../../context.js'
import { subsystemLogger } from '../../logger.js'
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
  const log = subsystemLogger(ctx.logger, 'jobs')
  let timer: NodeJS.Timeout | undefined
  let running: Promise<string[]> = Promise.resolve([])
  let stopped = false

  const runOnce = () => {
    running = running.catch(() => []).then(() => stats.runOnce())
    return running
  }

  const tick = async () => {
    try {
      await runOnce()
    } catch (err) {
      log.error({ err }, 'daily statistics run failed; retrying later')
    }
    if (stopped) return
    timer = setTimeout(() => void tick(), Math.min(msUntilNextDay(new Date(), afterMidnightMs), maxIntervalMs))
    timer.unref()
  }

  void tick()

  return {
    runOnce,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running.catch(() => {})
    },
  }
}
