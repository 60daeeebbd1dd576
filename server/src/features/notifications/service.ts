import type { AppContext } from '../../context.js'
import { notFound } from '../../http/errors.js'
import { decodeCursor, paginate } from '../../lib/keyset.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { recordEvents } from '../stream/index.js'
import * as q from './queries.js'
import { presentNotification } from './views.js'

export class NotificationsService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.database.db
  }

  private onPushError = (err: unknown) => this.ctx.logger.warn({ err }, 'stream publish failed')

  async list(userId: number, opts: { unreadOnly: boolean; limit: number; cursor: string | undefined }) {
    const before = decodeCursor<[number]>(opts.cursor, ['number'])
    // skeleton → hydrate (one query for every actor of the page) → filter → present
    const rows = await q.listNotifications(this.db, userId, { unreadOnly: opts.unreadOnly, beforeId: before?.[0], limit: opts.limit })
    const page = paginate(rows, opts.limit, (r) => [r.id])
    const actorIds = [...new Set(page.items.map((n) => n.relatedUserId).filter((id): id is number => id !== null))]
    const actors = new Map((await q.findActors(this.db, actorIds)).map((a) => [a.id, a]))
    const visible = page.items.filter((n) => n.relatedUserId === null || actors.get(n.relatedUserId)?.isBlocked === false)
    return {
      items: visible.map((n) => presentNotification(n, n.relatedUserId === null ? undefined : actors.get(n.relatedUserId))),
      nextCursor: page.nextCursor,
    }
  }

  async unreadCount(userId: number) {
    return { count: await q.countUnread(this.db, userId) }
  }

  async markRead(userId: number, id: number): Promise<void> {
    await inTransaction(
      this.db,
      async (tx, afterCommit) => {
        const result = await q.markRead(tx, userId, id)
        if (!result) throw notFound('Notification')
        // The user's other devices update their badge.
        if (result.wasUnread) await recordEvents(this.ctx, tx, afterCommit, [{ userId, type: 'notification.read', data: { ids: [id] } }])
      },
      this.onPushError,
    )
  }

  async markAllRead(userId: number): Promise<{ markedRead: number }> {
    return inTransaction(
      this.db,
      async (tx, afterCommit) => {
        const ids = await q.markAllRead(tx, userId)
        if (ids.length > 0) {
          await recordEvents(this.ctx, tx, afterCommit, [
            { userId, type: 'notification.read', data: { all: true, upToId: Math.max(...ids) } },
          ])
        }
        return { markedRead: ids.length }
      },
      this.onPushError,
    )
  }
}
