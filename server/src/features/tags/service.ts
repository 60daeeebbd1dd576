import type { AppContext } from '../../context.js'
import { notFound } from '../../http/errors.js'
import { boundBefore, decodeTimeCursor } from '../../lib/keyset.js'
import { normalizeTag } from '../../lib/text-entities.js'
import * as q from './queries.js'

/** How long one trending answer is shared by everyone (the cache platform: per instance or Redis). */
export const TRENDING_CACHE_SECONDS = 60

/** A tag named in a URL, in its stored form; a name that cannot be a tag is not found. */
function tagName(raw: string): string {
  const name = normalizeTag(raw)
  if (name === null) throw notFound('Tag')
  return name
}

export class TagsService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.database.db
  }

  /** Any valid name has a page: a tag nobody used yet has no posts. */
  async show(raw: string, viewerId: number | undefined) {
    const name = tagName(raw)
    const tag = await q.findTagByName(this.db, name)
    const following = tag !== undefined && viewerId !== undefined && (await q.isFollowingTag(this.db, viewerId, tag.id))
    return { name, postCount: tag?.postCount ?? 0, following }
  }

  async posts(raw: string, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    return q.tagPostsPage(this.db, tagName(raw), viewerId, boundBefore(decodeTimeCursor(cursor)), limit)
  }

  /** Idempotent. */
  async follow(userId: number, raw: string) {
    const name = tagName(raw)
    await q.followTag(this.db, userId, await q.ensureTag(this.db, name))
    return { name, following: true }
  }

  /** Idempotent. */
  async unfollow(userId: number, raw: string) {
    const name = tagName(raw)
    const tag = await q.findTagByName(this.db, name)
    if (tag) await q.unfollowTag(this.db, userId, tag.id)
    return { name, following: false }
  }

  /** The same for everyone, so shared through the cache for a minute rather than counted per request. */
  async trending(window: q.TrendingWindow, limit: number) {
    const key = `tags:trending:${window}:${limit}`
    const cached = await this.ctx.cache.get(key)
    if (cached !== null) return JSON.parse(cached) as { window: q.TrendingWindow; items: { name: string; people: number }[] }
    const answer = { window, items: await q.trendingTags(this.db, window, limit) }
    await this.ctx.cache.set(key, JSON.stringify(answer), TRENDING_CACHE_SECONDS)
    return answer
  }
}
