import type { AppContext } from '../../context.js'
import { paginate } from '../../http/pagination.js'
import { hydratePosts } from '../posts/hydrate.js'
import { boundBefore, decodeTimeCursor } from '../posts/keyset.js'
import * as q from './queries.js'

/**
 * Feeds in three steps and a constant number of queries per page, whatever its size: the
 * skeleton (ids, one query), then hydratePosts (posts with authors in one query, the viewer's
 * likes in one), which also drops posts deleted or blocked since.
 */
export class FeedService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.database.db
  }

  async home(viewerId: number, limit: number, cursor: string | undefined) {
    const before = boundBefore(decodeTimeCursor(cursor))
    return this.page(await q.homeFeedIds(this.db, viewerId, before, limit), limit, viewerId)
  }

  async explore(viewerId: number | undefined, limit: number, cursor: string | undefined) {
    const before = boundBefore(decodeTimeCursor(cursor))
    return this.page(await q.exploreIds(this.db, before, limit), limit, viewerId)
  }

  private async page(skeleton: { id: number; at: string }[], limit: number, viewerId: number | undefined) {
    // The cursor comes from the skeleton, not from what survives the filter, so a page thinned
    // by the filter never makes the next one skip or repeat a post.
    const page = paginate(skeleton, limit, (r) => [r.at, r.id])
    return { items: await hydratePosts(this.db, page.items.map((r) => r.id), viewerId), nextCursor: page.nextCursor }
  }
}
