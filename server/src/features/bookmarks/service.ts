import type { AppContext } from '../../context.js'
import { notFound } from '../../http/errors.js'
import { boundBefore, decodeTimeCursor } from '../../lib/keyset.js'
import { findVisiblePost } from '../posts/index.js'
import * as q from './queries.js'

export class BookmarksService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.database.db
  }

  /** Idempotent; only a post the caller may see can be saved. */
  async save(userId: number, postId: number) {
    if (!(await findVisiblePost(this.db, postId, { viewerId: userId }))) throw notFound('Post')
    await q.insertBookmark(this.db, userId, postId)
    return { bookmarked: true }
  }

  /** Idempotent. A post the caller may no longer see is not found, as for every act on it (it is off the list anyway). */
  async unsave(userId: number, postId: number) {
    if (!(await findVisiblePost(this.db, postId, { viewerId: userId }))) throw notFound('Post')
    await q.deleteBookmark(this.db, userId, postId)
    return { bookmarked: false }
  }

  async list(userId: number, limit: number, cursor: string | undefined) {
    return q.savedPostsPage(this.db, userId, boundBefore(decodeTimeCursor(cursor)), limit)
  }
}
