// Runs ./maintenance.ts in every instance with JOBS_ENABLED: the hiding repair and the retention pass hourly, the orphan
// sweep (a walk through the media prefixes of the bucket) about once a day. A run holds an advisory lock, so with several
// instances one works and the others skip their turn; both passes are idempotent anyway.
import type { AppContext } from '../../context.js'
import { startJob } from '../../platform/jobs/index.js'
import { MediaMaintenance, type MaintenanceOptions } from './maintenance.js'

export interface MediaRun {
  /** deleted posts whose photos were still public (a deletion interrupted before its move) */
  hidden: { posts: number }
  retention: { posts: number; objects: number }
  /** absent when this run did not sweep */
  orphans?: { scanned: number; removed: number; leftovers: number }
}

export interface MediaJob {
  /**
   * One run now (after a run in progress in this process): the retention pass, and the sweep when
   * `sweep` is set or a day has passed since the last one. Null when another instance held the lock.
   */
  runOnce(opts?: { now?: Date; sweep?: boolean }): Promise<MediaRun | null>
  /** Stops scheduling, ends a run in progress early and waits for it. */
  stop(): Promise<void>
}

export function startMediaMaintenance(
  ctx: Pick<AppContext, 'database' | 'storage' | 'logger' | 'config'>,
  opts: Partial<MaintenanceOptions> & { intervalMs?: number; sweepEveryMs?: number; firstRunMs?: number; schedule?: boolean } = {},
): MediaJob {
  const sweepEveryMs = opts.sweepEveryMs ?? 86_400_000
  // The first sweep comes at a random point of the first day, so instances restarted often (rolling
  // deploys) still sweep about once a day between them instead of once per start.
  let lastSweep = Date.now() - Math.random() * sweepEveryMs

  const job = startJob<MediaRun, { now?: Date; sweep?: boolean }>(ctx, {
    name: 'media-maintenance',
    lock: 'mediaMaintenance',
    every: opts.intervalMs ?? 3_600_000,
    // The first run waits a little, so a start (or a rolling restart) is not slowed by a bucket walk.
    firstRunMs: opts.firstRunMs ?? 5 * 60_000,
    schedule: opts.schedule,
    failure: 'media maintenance failed; retrying at the next run',
    async run({ now = new Date(), sweep } = {}) {
      const hidden = await work.hideDeletedPostMedia()
      const result: MediaRun = { hidden, retention: await work.removeExpiredPostMedia(now) }
      if (sweep ?? Date.now() - lastSweep >= sweepEveryMs) {
        result.orphans = await work.sweepOrphans(now)
        lastSweep = Date.now()
      }
      return result
    },
  })
  const work = new MediaMaintenance(ctx, job.log, {
    retentionDays: opts.retentionDays ?? ctx.config.mediaRetentionDays,
    ...(opts.orphanGraceMs !== undefined ? { orphanGraceMs: opts.orphanGraceMs } : {}),
    ...(opts.batch !== undefined ? { batch: opts.batch } : {}),
    ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
    shouldStop: () => job.stopping,
  })
  return job
}
