// Explore's ranked snapshots, shared through the cache port (memory per instance, Redis across
// instances). The ranking query (queries.ts EXPLORE_RANK_SQL) runs at most once per FRESH_SECONDS
// per cache: one instance takes a short lock and computes, the others keep serving the previous
// snapshot meanwhile. A snapshot is an ordered list of post ids under its own id, kept
// KEEP_SECONDS so that someone paging through explore keeps reading the same order, whatever
// happens to scores meanwhile. Visibility is not in the snapshot (it is shared by everyone): each
// page applies the viewer's rules when it hydrates (queries.ts EXPLORE_RANKED_SQL).
import { randomBytes } from 'node:crypto'
import type { Cache } from '../../platform/cache/index.js'
import type { Db } from '../../platform/db/index.js'
import type { Logger } from '../../logger.js'
import { RANK_WINDOW_DAYS, rankExplore } from './queries.js'

/** A new snapshot at most this often (per cache: per instance in memory, per instance set with Redis). */
export const FRESH_SECONDS = 60
/** How long a snapshot stays readable by cursors that point into it. */
export const KEEP_SECONDS = 30 * 60
const LOCK_SECONDS = 30

const FRESH_KEY = 'explore:fresh'
const LATEST_KEY = 'explore:latest'
const LOCK_KEY = 'explore:computing'
const snapshotKey = (id: string) => `explore:snapshot:${id}`

/** `<ms since the epoch when computed>-<8 hex>`: the time tells the window without the snapshot. */
const SNAPSHOT_ID = /^(\d{13})-[0-9a-f]{8}$/

export interface Snapshot {
  id: string
  ids: number[]
}

export const isSnapshotId = (id: string) => SNAPSHOT_ID.test(id)

/** The start of the window a snapshot ranked: every post in it was created at or after this. */
export function windowStartOf(snapshotId: string): Date {
  const ms = Number(SNAPSHOT_ID.exec(snapshotId)![1])
  return new Date(ms - RANK_WINDOW_DAYS * 86_400_000)
}

export class ExploreRanking {
  private computing: Promise<Snapshot> | null = null

  constructor(
    private readonly db: Db,
    private readonly cache: Cache,
    private readonly logger: Logger,
  ) {}

  /** The snapshot a first page starts from: the fresh one, else a new one, else the last one. */
  async current(): Promise<Snapshot> {
    const fresh = await this.cache.get(FRESH_KEY)
    const snapshot = fresh ? await this.load(fresh) : null
    if (snapshot) return snapshot
    this.computing ??= this.refresh().finally(() => {
      this.computing = null
    })
    return this.computing
  }

  /** A snapshot by id, or null once it expired. */
  async load(id: string): Promise<Snapshot | null> {
    const raw = await this.cache.get(snapshotKey(id))
    if (raw === null) return null
    const ids = JSON.parse(raw) as unknown
    return Array.isArray(ids) ? { id, ids: ids.map(Number) } : null
  }

  private async refresh(): Promise<Snapshot> {
    if (!(await this.cache.setIfAbsent(LOCK_KEY, '1', LOCK_SECONDS))) {
      // Another instance is computing: the previous snapshot serves until it is done.
      const latest = await this.cache.get(LATEST_KEY)
      const previous = latest ? await this.load(latest) : null
      if (previous) return previous
    }
    try {
      const now = new Date()
      const id = `${now.getTime()}-${randomBytes(4).toString('hex')}`
      const ids = await rankExplore(this.db, now, windowStartOf(id))
      await this.cache.set(snapshotKey(id), JSON.stringify(ids), KEEP_SECONDS)
      await this.cache.set(LATEST_KEY, id, KEEP_SECONDS)
      await this.cache.set(FRESH_KEY, id, FRESH_SECONDS)
      this.logger.debug({ snapshot: id, posts: ids.length }, 'explore ranked')
      return { id, ids }
    } finally {
      await this.cache.del(LOCK_KEY)
    }
  }
}
