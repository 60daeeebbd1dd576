import type { AppContext } from '../../context.js'
import { notFound } from '../../http/errors.js'
import { boundBefore, decodeTimeCursor, paginate } from '../../lib/keyset.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { notify } from '../notifications/index.js'
import { authorOfPost, findVisiblePost } from '../posts/index.js'
import { lockPairShared, notBlockedEitherWay } from '../visibility/index.js'
import { actorSummary } from '../users/index.js'
import * as q from './queries.js'
import { presentLiker } from './views.js'

export class LikesService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.database.db
  }

  /** Idempotent: liking twice (or 50 times at once) leaves one row and counts it once. */
  async like(userId: number, postId: number) {
    const authorId = await authorOfPost(this.db, postId)
    if (authorId === undefined) throw notFound('Post')
    return inTransaction(this.db, async (tx, afterCommit) => {
      // The two people first (a block between them waits for this or refuses it), then the post.
      await lockPairShared(tx, userId, authorId)
      const post = await findVisiblePost(tx, postId, { lock: true, viewerId: userId })
      if (!post) throw notFound('Post')
      const created = await q.insertLike(tx, userId, postId)
      const likeCount = await q.adjustLikeCount(tx, postId, created ? 1 : 0)
      if (created && post.userId !== userId) {
        // notify() skips a like → unlike → like repeat within its window.
        const actor = await actorSummary(tx, userId)
        await notify(this.ctx, tx, afterCommit, {
          userId: post.userId,
          type: 'like',
          actorId: userId,
          actor,
          postId,
          message: `${actor.username} liked your post`,
        })
      }
      return { liked: true, likeCount }
    })
  }

  async unlike(userId: number, postId: number) {
    return inTransaction(this.db, async (tx) => {
      const post = await findVisiblePost(tx, postId, { lock: true, viewerId: userId })
      if (!post) throw notFound('Post')
      const removed = await q.deleteLike(tx, userId, postId)
      return { liked: false, likeCount: await q.adjustLikeCount(tx, postId, removed ? -1 : 0) }
    })
  }

  async likers(postId: number, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    const after = decodeTimeCursor(cursor)
    if (!(await findVisiblePost(this.db, postId, { viewerId }))) throw notFound('Post')
    const rows = await q.listLikers(this.db, postId, boundBefore(after), limit, notBlockedEitherWay(viewerId, q.likerId))
    const page = paginate(rows, limit, (r) => [r.at, r.likeId])
    return { items: page.items.map(presentLiker), nextCursor: page.nextCursor }
  }
}
