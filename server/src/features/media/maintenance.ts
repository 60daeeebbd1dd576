// Storage housekeeping, run by ./maintenance-job.ts:
// - hiding: a deleted post's photos leave the public area when it is deleted (./hidden.ts); a
//   crash between the deletion and that move is repaired here, before anything else;
// - retention: a deleted post keeps its photos for MEDIA_RETENTION_DAYS (moderators still see
//   them), then they leave storage and the post is marked (media_removed_at), never visited again;
// - orphans: an object no row references (stored before an insert that never happened, or left
//   by a deletion interrupted before it reached storage) is removed once older than a grace period.
// Both are idempotent, so a run that dies half-way is simply finished by the next one.
import type { AppContext } from '../../context.js'
import type { Logger } from '../../logger.js'
import { HIDDEN_POST_PHOTO_PREFIX, hiddenKeyOf, hideDeletedPostPhotos, postPhotoKeys, publicKeyOf } from './hidden.js'
import * as q from './queries.js'
import { ATTACHMENT_PREFIX, AVATAR_LARGE, AVATAR_PREFIX, POST_PHOTO_PREFIX } from './service.js'

/** An upload is stored seconds before the row that references it; a day leaves a wide margin. */
export const ORPHAN_GRACE_MS = 24 * 3_600_000
const DAY_MS = 86_400_000

type Kind = 'post' | 'hidden-post' | 'avatar' | 'attachment'

/**
 * What the sweeper may judge: the prefixes the media service writes and the exact shape of its
 * keys there. Anything else in the bucket (an operator's files, a future feature's) is left alone.
 */
const SWEPT: { kind: Kind; prefix: string; key: RegExp }[] = [
  { kind: 'post', prefix: POST_PHOTO_PREFIX, key: /^public\/posts\/\d{4}\/\d{2}\/[0-9a-f]{32}-\d+\.webp$/ },
  { kind: 'hidden-post', prefix: HIDDEN_POST_PHOTO_PREFIX, key: /^private\/hidden\/posts\/\d{4}\/\d{2}\/[0-9a-f]{32}-\d+\.webp$/ },
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
   * Takes out of the public area the photos of deleted posts that are still there: the deletion
   * moves them itself, so these are the posts of a deletion interrupted right after its commit.
   */
  async hideDeletedPostMedia(): Promise<{ posts: number }> {
    let hidden = 0
    while (!this.shouldStop()) {
      const n = await hideDeletedPostPhotos(this.ctx, undefined, this.batch)
      hidden += n
      if (n < this.batch) break
    }
    if (hidden > 0) this.log.warn({ posts: hidden }, 'hid the photos of deleted posts that were still public')
    return { posts: hidden }
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
      const keys = due.flatMap((p) => postPhotoKeys(this.ctx.storage, p.imageUrls))
      // both places: hidden since the deletion, or still public if that move never happened
      await this.ctx.storage.delete(keys.flatMap((k) => [k, hiddenKeyOf(k)]))
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
    if (kind === 'hidden-post') {
      // a hidden photo belongs to the post that lists its public key
      const found = new Set(await q.keysReferencedByPosts(this.db, keys.map(publicKeyOf)))
      return new Set(keys.filter((k) => found.has(publicKeyOf(k))))
    }
    if (kind === 'attachment') return new Set(await q.keysReferencedByMessages(this.db, keys))
    // An avatar is referenced by its large size's URL; the small size goes with it.
    const largeKey = (k: string) => k.replace(/-\d+\.webp$/, '-400.webp')
    const names = [...new Set(keys.map((k) => largeKey(k).slice(AVATAR_PREFIX.length)))]
    const urls = await q.avatarUrlsNamed(this.db, names)
    return new Set(keys.filter((k) => urls.some((u) => u.endsWith('/' + largeKey(k)) && AVATAR_LARGE.test(u))))
  }
}
