// Storage housekeeping, run by ./maintenance-job.ts:
// - retention: a deleted post keeps its photos for MEDIA_RETENTION_DAYS (moderators still see
//   them), then they leave storage and the post is marked (media_removed_at), never visited again;
// - orphans: an object no row references (stored before an insert that never happened, or left
//   by a deletion interrupted before it reached storage) is removed once older than a grace period.
// Both are idempotent, so a run that dies half-way is simply finished by the next one.
import type { AppContext } from '../../context.js'
import type { Logger } from '../../logger.js'
import { isValidKey } from '../../platform/storage/types.js'
import * as q from './queries.js'
import { ATTACHMENT_PREFIX, AVATAR_LARGE, AVATAR_PREFIX, POST_PHOTO_PREFIX } from './service.js'

/** An upload is stored seconds before the row that references it; a day leaves a wide margin. */
export const ORPHAN_GRACE_MS = 24 * 3_600_000
const DAY_MS = 86_400_000

type Kind = 'post' | 'avatar' | 'attachment'

/**
 * What the sweeper may judge: the prefixes the media service writes and the exact shape of its
 * keys there. Anything else in the bucket (an operator's files, a future feature's) is left alone.
 */
const SWEPT: { kind: Kind; prefix: string; key: RegExp }[] = [
  { kind: 'post', prefix: POST_PHOTO_PREFIX, key: /^public\/posts\/\d{4}\/\d{2}\/[0-9a-f]{32}-\d+\.webp$/ },
  { kind: 'avatar', prefix: AVATAR_PREFIX, key: /^public\/avatars\/[0-9a-f]{32}-\d+\.webp$/ },
  { kind: 'attachment', prefix: ATTACHMENT_PREFIX, key: /^private\/attachments\/\d{4}\/\d{2}\/[0-9a-f]{32}(?:\.webp)?$/ },
]

export interface MaintenanceOptions {
  retentionDays: number
  orphanGraceMs?: number
  /** posts per retention batch */
  batch?: number
  /** objects per listing page (≤ 1000) */
  pageSize?: number
  /** set to end a run early (shutdown); what was done stays done */
  shouldStop?: () => boolean
}

export class MediaMaintenance {
  private readonly graceMs: number
  private readonly batch: number
  private readonly pageSize: number
  private readonly shouldStop: () => boolean

  constructor(
    private readonly ctx: Pick<AppContext, 'database' | 'storage'>,
    private readonly log: Logger,
    private readonly opts: MaintenanceOptions,
  ) {
    this.graceMs = opts.orphanGraceMs ?? ORPHAN_GRACE_MS
    this.batch = opts.batch ?? 200
    this.pageSize = opts.pageSize ?? 1000
    this.shouldStop = opts.shouldStop ?? (() => false)
  }

  private get db() {
    return this.ctx.database.db
  }

  /**
   * Removes from storage the photos of posts deleted more than `retentionDays` before `now`, and
   * marks those posts. Storage first, then the mark: a failure leaves the post unmarked, so the
   * next run tries again (deleting a missing key is not an error).
   */
  async removeExpiredPostMedia(now = new Date()): Promise<{ posts: number; objects: number }> {
    const cutoff = new Date(now.getTime() - this.opts.retentionDays * DAY_MS)
    const done = { posts: 0, objects: 0 }
    while (!this.shouldStop()) {
      const due = await q.postsWithExpiredMedia(this.db, cutoff, this.batch)
      if (due.length === 0) break
      const keys = due.flatMap((p) => this.photoKeys(p.imageUrls))
      await this.ctx.storage.delete(keys)
      await q.markMediaRemoved(
        this.db,
        due.map((p) => p.id),
      )
      done.posts += due.length
      done.objects += keys.length
      if (due.length < this.batch) break
    }
    if (done.posts > 0)
      this.log.info({ ...done, retentionDays: this.opts.retentionDays }, 'removed the photos of posts deleted past the retention period')
    return done
  }

  /**
   * Walks the media prefixes a page at a time and removes the objects older than the grace period
   * that no row references: post photos (posts.image_urls keys, deleted posts included until their
   * retention ends), avatars (users.avatar_url) and attachments (messages.file_url). Also removes
   * the storage's own leftovers of interrupted writes (disk temporary files) past the grace period.
   */
  async sweepOrphans(now = new Date()): Promise<{ scanned: number; removed: number; leftovers: number }> {
    const before = now.getTime() - this.graceMs
    // what a crash mid-write leaves on disk (temporary files), which no listing shows
    const done = { scanned: 0, removed: 0, leftovers: await this.ctx.storage.removeLeftovers(new Date(before)) }
    for (const area of SWEPT) {
      let startAfter: string | undefined
      do {
        if (this.shouldStop()) return done
        const page = await this.ctx.storage.listPage({ prefix: area.prefix, startAfter, limit: this.pageSize })
        done.scanned += page.objects.length
        const old = page.objects.filter((o) => o.lastModified.getTime() < before && area.key.test(o.key)).map((o) => o.key)
        const referenced = await this.referenced(area.kind, old)
        const orphans = old.filter((k) => !referenced.has(k))
        if (orphans.length > 0) {
          await this.ctx.storage.delete(orphans)
          done.removed += orphans.length
          this.log.info({ count: orphans.length, first: orphans[0] }, 'removed objects no row references')
        }
        startAfter = page.next ?? undefined
      } while (startAfter)
    }
    return done
  }

  private async referenced(kind: Kind, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set()
    if (kind === 'post') return new Set(await q.keysReferencedByPosts(this.db, keys))
    if (kind === 'attachment') return new Set(await q.keysReferencedByMessages(this.db, keys))
    // An avatar is referenced by its large size's URL; the small size goes with it.
    const largeKey = (k: string) => k.replace(/-\d+\.webp$/, '-400.webp')
    const names = [...new Set(keys.map((k) => largeKey(k).slice(AVATAR_PREFIX.length)))]
    const urls = await q.avatarUrlsNamed(this.db, names)
    return new Set(keys.filter((k) => urls.some((u) => u.endsWith('/' + largeKey(k)) && AVATAR_LARGE.test(u))))
  }

  /** The storage keys of a post's photos: the `keys` the pipeline recorded, else those behind its URLs. */
  private photoKeys(stored: unknown): string[] {
    if (!Array.isArray(stored)) return []
    const keys = new Set<string>()
    for (const s of stored) {
      if (!s || typeof s !== 'object') continue
      const image = s as { keys?: unknown; url?: unknown; thumbUrl?: unknown }
      const listed: unknown[] = Array.isArray(image.keys) ? image.keys : []
      const fromUrls = [image.url, image.thumbUrl].map((u) => (typeof u === 'string' ? this.ctx.storage.keyFromPublicUrl(u) : null))
      for (const k of [...listed, ...fromUrls]) {
        // only ever this feature's own objects
        if (typeof k === 'string' && isValidKey(k) && k.startsWith(POST_PHOTO_PREFIX)) keys.add(k)
      }
    }
    return [...keys]
  }
}
