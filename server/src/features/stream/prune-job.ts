// Stream events only serve reconnect catch-up, so they are kept for a limited time. Every instance
// with JOBS_ENABLED prunes; concurrent runs just delete disjoint or already-deleted rows.
import type { AppContext } from '../../context.js'
import { startJob } from '../../platform/jobs/index.js'
import { pruneEvents } from './queries.js'

/** A client away for longer than this reloads its lists instead of catching up (`complete: false`). */
export const STREAM_EVENT_RETENTION_SECONDS = 7 * 86_400

export interface PruneJob {
  /** Deletes every expired event (in batches); resolves to how many went. */
  runOnce(): Promise<number>
  stop(): Promise<void>
}

export function startStreamPruning(
  ctx: Pick<AppContext, 'database' | 'logger'>,
  opts: { retentionSeconds?: number; intervalMs?: number; batch?: number } = {},
): PruneJob {
  const retention = opts.retentionSeconds ?? STREAM_EVENT_RETENTION_SECONDS
  const batch = opts.batch ?? 5000
  const job = startJob(ctx, {
    name: 'stream-events-prune',
    every: opts.intervalMs ?? 3_600_000,
    failure: 'pruning stream events failed',
    async run() {
      let total = 0
      // small batches keep each delete short, so it never holds up the writers
      for (let n = batch; n === batch && !job.stopping; total += n) n = await pruneEvents(ctx.database.db, retention, batch)
      if (total > 0) job.log.info({ deleted: total }, 'pruned old stream events')
      return total
    },
  })
  return {
    runOnce: async () => (await job.runOnce()) ?? 0,
    stop: () => job.stop(),
  }
}
