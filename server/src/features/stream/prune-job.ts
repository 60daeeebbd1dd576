// Stream events only serve reconnect catch-up, so they are kept for a limited time. Every instance
// with JOBS_ENABLED prunes; concurrent runs just delete disjoint or already-deleted rows.
import type { AppContext } from '../../context.js'
import { subsystemLogger } from '../../logger.js'
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
  const log = subsystemLogger(ctx.logger, 'jobs').child({ job: 'stream-events-prune' })
  let stopped = false
  let running: Promise<number> = Promise.resolve(0)

  const prune = async () => {
    let total = 0
    // small batches keep each delete short, so it never holds up the writers
    for (let n = batch; n === batch && !stopped; total += n) n = await pruneEvents(ctx.database.db, retention, batch)
    if (total > 0) log.info({ deleted: total }, 'pruned old stream events')
    return total
  }
  const runOnce = () => (running = running.catch(() => 0).then(prune))

  const timer = setInterval(
    () => runOnce().catch((err) => log.error({ err }, 'pruning stream events failed')),
    opts.intervalMs ?? 3_600_000,
  )
  timer.unref()

  return {
    runOnce,
    async stop() {
      stopped = true
      clearInterval(timer)
      await running.catch(() => {})
    },
  }
}
