import type { AppContext } from '../../context.js'
import { AppError, notFound } from '../../http/errors.js'
import { boundBefore, decodeTimeCursor, paginate } from '../../lib/keyset.js'
import { inTransaction } from '../../platform/db/transaction.js'
import type { Tx } from '../../platform/db/types.js'
import { hideCommentsOnPostsOf } from '../comments/index.js'
import { removeFollowRequestsBetween, removeFollowsBetween } from '../follows/index.js'
import { removeLikesOnPostsOf } from '../likes/index.js'
import { removeNotificationsBetween } from '../notifications/index.js'
import { blocksBetween, lockPair, NO_RELATIONSHIP, relationships } from '../visibility/index.js'
import type { UserCache } from '../users/index.js'
import * as q from './queries.js'
import { presentListedUser } from './views.js'

const selfError = (what: 'block' | 'mute') =>
  new AppError(400, what === 'block' ? 'cannot_block_self' : 'cannot_mute_self', `You cannot ${what} yourself.`, {
    errors: [{ field: 'id', message: 'is you' }],
  })

export class SafetyService {
  constructor(
    private readonly ctx: AppContext,
    private readonly users: UserCache,
  ) {}

  private get db() {
    return this.ctx.database.db
  }

  /**
   * Idempotent. In one transaction holding both people's rows: the block, the end of follows and
   * follow requests both ways (counters moved), the blocked person's likes and comments removed
   * from the blocker's posts, and every notification between them deleted. A follow, like or
   * comment racing with it either finished first (and is undone here) or waits and then sees the
   * block.
   */
  async block(blockerId: number, targetId: number): Promise<void> {
    if (blockerId === targetId) throw selfError('block')
    await inTransaction(this.db, async (tx) => {
      const rows = await lockPair(tx, blockerId, targetId)
      if (!rows.some((r) => r.id === targetId)) throw notFound('User')
      await this.requireNotBlockedBy(tx, blockerId, targetId)
      if (!(await q.insertBlock(tx, blockerId, targetId))) return
      await removeFollowsBetween(tx, blockerId, targetId)
      await removeFollowRequestsBetween(tx, blockerId, targetId)
      await removeLikesOnPostsOf(tx, targetId, blockerId)
      await hideCommentsOnPostsOf(tx, targetId, blockerId)
      await removeNotificationsBetween(tx, blockerId, targetId)
    })
    await this.users.invalidate(blockerId, targetId)
  }

  /** Idempotent. Nothing removed by the block comes back. */
  async unblock(blockerId: number, targetId: number): Promise<void> {
    if (blockerId === targetId) throw selfError('block')
    await inTransaction(this.db, async (tx) => {
      const rows = await lockPair(tx, blockerId, targetId)
      if (!rows.some((r) => r.id === targetId)) throw notFound('User')
      await this.requireNotBlockedBy(tx, blockerId, targetId)
      await q.deleteBlock(tx, blockerId, targetId)
    })
  }

  async mute(muterId: number, targetId: number): Promise<void> {
    if (muterId === targetId) throw selfError('mute')
    await this.requireTarget(muterId, targetId)
    await q.insertMute(this.db, muterId, targetId)
  }

  async unmute(muterId: number, targetId: number): Promise<void> {
    if (muterId === targetId) throw selfError('mute')
    await this.requireTarget(muterId, targetId)
    await q.deleteMute(this.db, muterId, targetId)
  }

  async blocks(userId: number, limit: number, cursor: string | undefined) {
    const rows = await q.listBlocks(this.db, userId, boundBefore(decodeTimeCursor(cursor)), limit)
    const page = paginate(rows, limit, (r) => [r.at, r.rowId])
    return { items: page.items.map(presentListedUser), nextCursor: page.nextCursor }
  }

  async mutes(userId: number, limit: number, cursor: string | undefined) {
    const rows = await q.listMutes(this.db, userId, boundBefore(decodeTimeCursor(cursor)), limit)
    const page = paginate(rows, limit, (r) => [r.at, r.rowId])
    return { items: page.items.map(presentListedUser), nextCursor: page.nextCursor }
  }

  /**
   * The caller's relationship with a user. A user who blocks the caller is not found, as
   * everywhere else: blocking is private.
   */
  async relationship(viewerId: number, targetId: number) {
    const rel = viewerId === targetId ? NO_RELATIONSHIP : (await relationships(this.db, viewerId, [targetId])).get(targetId)
    const user = await this.users.get(targetId)
    if (!rel || !user || user.isBlocked || rel.blockedBy) throw notFound('User')
    return { id: targetId, ...rel }
  }

  /**
   * Blocking is private: to someone blocked, the blocker does not exist, so blocking or unblocking
   * them back is "not found" as everything else about them is (mute does the same). Whoever holds
   * a block of their own in a mutual block may still lift it, or repeat it.
   */
  private async requireNotBlockedBy(tx: Tx, viewerId: number, targetId: number) {
    const { aBlocksB, bBlocksA } = await blocksBetween(tx, viewerId, targetId)
    if (bBlocksA && !aBlocksB) throw notFound('User')
  }

  /** A user that exists for the caller: not suspended, and not blocking the caller. */
  private async requireTarget(viewerId: number, targetId: number) {
    const user = await this.users.get(targetId)
    if (!user || user.isBlocked) throw notFound('User')
    if ((await blocksBetween(this.db, viewerId, targetId)).bBlocksA) throw notFound('User')
  }
}
