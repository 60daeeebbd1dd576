import type { AppContext } from '../../context.js'
import { boundBefore, decodeTimeCursor } from '../../lib/keyset.js'
import * as q from './queries.js'

/**
 * Feeds in one statement per page, whatever its size: the skeleton (the page's ids) wrapped by
 * the hydrate stage (posts with authors and the viewer's likes; posts/page.ts), which also drops
 * posts deleted or blocked since.
 */
export class FeedService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.database.db
  }

  home(viewerId: number, limit: number, cursor: string | undefined) {
    return q.homeFeedPage(this.db, viewerId, boundBefore(decodeTimeCursor(cursor)), limit)
  }

  explore(viewerId: number | undefined, limit: number, cursor: string | undefined) {
    return q.explorePage(this.db, viewerId, boundBefore(decodeTimeCursor(cursor)), limit)
  }
}
