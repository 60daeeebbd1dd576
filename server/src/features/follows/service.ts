import type { AppContext } from '../../context.js'
import { AppError, notFound } from '../../http/errors.js'
import { boundBefore, decodeTimeCursor, paginate } from '../../lib/keyset.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { notify } from '../notifications/index.js'
import { actorSummary, findVisibleUserById } from '../users/index.js'
import * as q from './queries.js'
import { presentFollowListUser } from './views.js'

export class FollowsService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.database.db
  }

  /** Idempotent; the counters move only when a row was really inserted. */
  async follow(followerId: number, targetId: number) {
    if (followerId === targetId) {
      throw new AppError(400, 'cannot_follow_self', 'You cannot follow yourself.', { errors: [{ field: 'id', message: 'is you' }] })
    }
    return inTransaction(this.db, async (tx, afterCommit) => {
      if (!(await findVisibleUserById(tx, targetId))) throw notFound('User')
      if (await q.insertFollow(tx, followerId, targetId)) {
        await q.adjustFollowCounters(tx, followerId, targetId, 1)
        const actor = await actorSummary(tx, followerId)
        await notify(this.ctx, tx, afterCommit, {
          userId: targetId,
          type: 'follow',
          actorId: followerId,
          actor,
          message: `${actor.username} started following you`,
        })
      }
      return { userId: targetId, isFollowing: true, followersCount: await q.followersCountOf(tx, targetId) }
    })
  }

  async unfollow(followerId: number, targetId: number) {
    if (followerId === targetId) {
      throw new AppError(400, 'cannot_follow_self', 'You cannot follow yourself.', { errors: [{ field: 'id', message: 'is you' }] })
    }
    return inTransaction(this.db, async (tx) => {
      if (!(await findVisibleUserById(tx, targetId))) throw notFound('User')
      if (await q.deleteFollow(tx, followerId, targetId)) await q.adjustFollowCounters(tx, followerId, targetId, -1)
      return { userId: targetId, isFollowing: false, followersCount: await q.followersCountOf(tx, targetId) }
    })
  }

  async followers(userId: number, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    return this.list('followers', userId, viewerId, limit, cursor)
  }

  async following(userId: number, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    return this.list('following', userId, viewerId, limit, cursor)
  }

  private async list(
    which: 'followers' | 'following',
    userId: number,
    viewerId: number | undefined,
    limit: number,
    cursor: string | undefined,
  ) {
    const after = decodeTimeCursor(cursor)
    if (!(await findVisibleUserById(this.db, userId))) throw notFound('User')
    const rows = await (which === 'followers' ? q.listFollowers : q.listFollowing)(this.db, userId, boundBefore(after), limit)
    const page = paginate(rows, limit, (r) => [r.at, r.followId])
    const ids = page.items.map((r) => r.id)
    const followed = viewerId === undefined ? new Set<number>() : await q.followedAmong(this.db, viewerId, ids)
    return { items: page.items.map((r) => presentFollowListUser(r, followed.has(r.id))), nextCursor: page.nextCursor }
  }
}
