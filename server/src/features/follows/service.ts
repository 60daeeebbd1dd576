import type { AppContext } from '../../context.js'
import { AppError, forbidden, notFound } from '../../http/errors.js'
import { boundBefore, decodeTimeCursor, paginate } from '../../lib/keyset.js'
import { inTransaction } from '../../platform/db/transaction.js'
import type { Tx } from '../../platform/db/types.js'
import type { AfterCommit } from '../../platform/db/transaction.js'
import { notify } from '../notifications/index.js'
import { blocksBetween, lockPair, notBlockedEitherWay, requireAccountContents } from '../visibility/index.js'
import { actorSummary, adjustFollowCounts, findVisibleUserById, type UserCache } from '../users/index.js'
import * as q from './queries.js'
import { presentFollowListUser, presentRequester } from './views.js'

const selfFollow = () =>
  new AppError(400, 'cannot_follow_self', 'You cannot follow yourself.', { errors: [{ field: 'id', message: 'is you' }] })

/** 'following': an approved follow; 'requested': awaiting a private account's answer; 'none'. */
export type FollowStateName = 'following' | 'requested' | 'none'

export class FollowsService {
  constructor(
    private readonly ctx: AppContext,
    private readonly users: UserCache,
  ) {}

  private get db() {
    return this.ctx.database.db
  }

  /**
   * Idempotent; the counters move only when a row was really inserted. A private account gets a
   * request instead (one, however many are sent at once), and its owner a `follow_request`
   * notification. Both people's rows are held for the whole transaction (safety's lock order),
   * so a block made at the same moment either comes first and refuses this, or comes after and
   * removes what this made.
   */
  async follow(followerId: number, targetId: number) {
    if (followerId === targetId) throw selfFollow()
    const result = await inTransaction(this.db, async (tx, afterCommit) => {
      const rows = await lockPair(tx, followerId, targetId)
      const target = rows.find((r) => r.id === targetId)
      if (!target || target.isBlocked) throw notFound('User')
      const blocks = await blocksBetween(tx, followerId, targetId)
      if (blocks.bBlocksA) throw notFound('User')
      if (blocks.aBlocksB) throw forbidden('You block this user: unblock them before following.', 'blocking')
      let state: FollowStateName = 'following'
      if (await q.isFollowingRow(tx, followerId, targetId)) state = 'following'
      else if (target.isPrivate) {
        state = 'requested'
        if (await q.insertFollowRequest(tx, followerId, targetId)) {
          await this.notifyFollow(tx, afterCommit, followerId, targetId, 'follow_request')
        }
      } else if (await q.insertFollow(tx, followerId, targetId)) {
        await adjustFollowCounts(tx, followerId, targetId, 1)
        await this.notifyFollow(tx, afterCommit, followerId, targetId, 'follow')
      }
      return { userId: targetId, state, isFollowing: state === 'following', followersCount: await q.followersCountOf(tx, targetId) }
    })
    await this.users.invalidate(followerId, targetId)
    return result
  }

  /** Idempotent: ends a follow, or withdraws a pending request. */
  async unfollow(followerId: number, targetId: number) {
    if (followerId === targetId) throw selfFollow()
    const result = await inTransaction(this.db, async (tx) => {
      const rows = await lockPair(tx, followerId, targetId)
      const target = rows.find((r) => r.id === targetId)
      if (!target || target.isBlocked) throw notFound('User')
      if ((await blocksBetween(tx, followerId, targetId)).bBlocksA) throw notFound('User')
      await q.deleteFollowRequest(tx, followerId, targetId)
      if (await q.deleteFollow(tx, followerId, targetId)) await adjustFollowCounts(tx, followerId, targetId, -1)
      return { userId: targetId, state: 'none' as const, isFollowing: false, followersCount: await q.followersCountOf(tx, targetId) }
    })
    await this.users.invalidate(followerId, targetId)
    return result
  }

  /**
   * The owner accepts a request: the request row is deleted first, so accept, reject and the
   * requester's withdrawal racing each other have exactly one winner; the loser finds no request.
   */
  async accept(ownerId: number, requesterId: number) {
    await inTransaction(this.db, async (tx) => {
      await lockPair(tx, ownerId, requesterId)
      if (!(await q.deleteFollowRequest(tx, requesterId, ownerId))) throw noRequest()
      if (await q.insertFollow(tx, requesterId, ownerId)) await adjustFollowCounts(tx, requesterId, ownerId, 1)
    })
    await this.users.invalidate(ownerId, requesterId)
  }

  async reject(ownerId: number, requesterId: number) {
    await inTransaction(this.db, async (tx) => {
      await lockPair(tx, ownerId, requesterId)
      if (!(await q.deleteFollowRequest(tx, requesterId, ownerId))) throw noRequest()
    })
  }

  async requests(ownerId: number, limit: number, cursor: string | undefined) {
    const rows = await q.listIncomingRequests(this.db, ownerId, boundBefore(decodeTimeCursor(cursor)), limit)
    const page = paginate(rows, limit, (r) => [r.at, r.rowId])
    return { items: page.items.map(presentRequester), nextCursor: page.nextCursor }
  }

  async requestCount(ownerId: number) {
    return { count: await q.countIncomingRequests(this.db, ownerId) }
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
    const owner = await findVisibleUserById(this.db, userId)
    if (!owner) throw notFound('User')
    await requireAccountContents(this.db, owner, viewerId, (id) => this.isAdmin(id), 'lists')
    const rows = await (which === 'followers' ? q.listFollowers : q.listFollowing)(
      this.db,
      userId,
      boundBefore(after),
      limit,
      notBlockedEitherWay(viewerId, q.listedUserId),
    )
    const page = paginate(rows, limit, (r) => [r.at, r.followId])
    const ids = page.items.map((r) => r.id)
    const followed = viewerId === undefined ? new Set<number>() : await q.followedAmong(this.db, viewerId, ids)
    return { items: page.items.map((r) => presentFollowListUser(r, followed.has(r.id))), nextCursor: page.nextCursor }
  }

  private async isAdmin(userId: number) {
    return (await this.users.get(userId))?.role === 'admin'
  }

  private async notifyFollow(tx: Tx, afterCommit: AfterCommit, followerId: number, targetId: number, type: 'follow' | 'follow_request') {
    const actor = await actorSummary(tx, followerId)
    await notify(this.ctx, tx, afterCommit, {
      userId: targetId,
      type,
      actorId: followerId,
      actor,
      message: type === 'follow' ? `${actor.username} started following you` : `${actor.username} asked to follow you`,
    })
  }
}

const noRequest = () => new AppError(404, 'follow_request_not_found', 'There is no pending follow request from this user.')
