import type { AppContext } from '../../context.js'
import { notFound } from '../../http/errors.js'
import { decodeCursor, paginate } from '../../lib/keyset.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { recordEvents } from '../stream/index.js'
import { presentImages } from '../posts/index.js'
import * as g from './group-queries.js'
import * as q from './queries.js'
import { presentGroup, presentNotification, type GroupParts } from './views.js'

/** An int[] as either driver returns it: an array (node-postgres, PGlite) or its text form. */
function parseIntArray(v: number[] | string | null): number[] {
  if (v === null) return []
  if (Array.isArray(v)) return v.map(Number)
  return v.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number)
}

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

  /**
   * The bell: groups (group-queries.ts), newest first. Cursor `[ceiling, before]`: the newest
   * notification id when the first page was read, and the head of the last group shown.
   */
  async listGrouped(userId: number, opts: { unreadOnly: boolean; limit: number; cursor: string | undefined }) {
    const at = decodeCursor<[number, number]>(opts.cursor, ['number', 'number'])
    const ceiling = at?.[0] ?? (await g.newestNotificationId(this.db, userId))
    const rows = await g.listGroups(this.db, userId, {
      ceiling,
      before: at?.[1] ?? ceiling + 1,
      limit: opts.limit,
      unreadOnly: opts.unreadOnly,
    })
    const page = paginate(rows, opts.limit, (r) => [ceiling, Number(r.id)])
    // hydrate: the actors, posts and comments of the whole page in three queries
    const actorIdsOf = (r: g.GroupRow) => parseIntArray(r.actor_ids)
    const actorIds = [...new Set(page.items.flatMap(actorIdsOf))]
    const postIds = [
      ...new Set(
        page.items
          .map((r) => r.related_post_id)
          .filter((v): v is number => v !== null)
          .map(Number),
      ),
    ]
    const commentIds = page.items
      .map((r) => r.related_comment_id)
      .filter((v): v is number => v !== null)
      .map(Number)
    const [actors, posts, comments] = await Promise.all([
      q.findActors(this.db, actorIds),
      g.findTargetPosts(this.db, userId, postIds),
      g.findTargetComments(this.db, commentIds),
    ])
    const actorById = new Map(actors.map((a) => [a.id, a]))
    const postById = new Map(
      posts.map((p) => [
        Number(p.id),
        { id: Number(p.id), ownPost: Number(p.user_id) === userId, thumbnailUrl: presentImages(p.image_urls)[0]?.thumbUrl ?? null },
      ]),
    )
    const commentById = new Map(comments.map((c) => [Number(c.id), { id: Number(c.id), content: c.content }]))
    return {
      items: page.items.map((r) =>
        presentGroup({
          id: Number(r.id),
          type: r.type as GroupParts['type'],
          count: Number(r.count),
          unread: r.unread === true,
          latestAt: r.created_at,
          actors: actorIdsOf(r)
            .map((id) => actorById.get(id))
            .filter((a) => a !== undefined),
          post: r.related_post_id === null ? null : (postById.get(Number(r.related_post_id)) ?? null),
          comment: r.related_comment_id === null ? null : (commentById.get(Number(r.related_comment_id)) ?? null),
        }),
      ),
      nextCursor: page.nextCursor,
    }
  }

  async unreadCount(userId: number, grouped = false) {
    return { count: grouped ? await g.countUnreadGroups(this.db, userId) : await q.countUnread(this.db, userId) }
  }

  async markGroupRead(userId: number, headId: number): Promise<void> {
    await inTransaction(
      this.db,
      async (tx, afterCommit) => {
        const ids = await g.markGroupRead(tx, userId, headId)
        if (!ids) throw notFound('Notification')
        if (ids.length > 0) await recordEvents(this.ctx, tx, afterCommit, [{ userId, type: 'notification.read', data: { ids } }])
      },
      this.onPushError,
    )
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
