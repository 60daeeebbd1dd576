import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm'
import { notifications, posts, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { notBlockedEitherWay } from '../visibility/index.js'

export type NotificationRow = typeof notifications.$inferSelect

/**
 * Skeleton of one page, newest first (notifications_list_idx). Nothing from someone a block
 * separates from the user, either way: a block deletes those notifications already
 * (deleteNotificationsBetween), and this keeps any that raced with it out of the list and its
 * pages full. Mutes are not applied here: a mute stops new notifications only (notify()), and
 * those from before it stay.
 */
export async function listNotifications(
  db: DbOrTx,
  userId: number,
  opts: { unreadOnly: boolean; beforeId: number | undefined; limit: number },
): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        notBlockedEitherWay(userId, notifications.relatedUserId),
        opts.unreadOnly ? eq(notifications.isRead, false) : undefined,
        opts.beforeId === undefined ? undefined : lt(notifications.id, opts.beforeId),
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(opts.limit + 1)
}

/** The actors of a page in one query, with their standing so blocked ones can be left out. */
export async function findActors(db: DbOrTx, ids: number[]) {
  if (ids.length === 0) return []
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarUrl: users.avatarUrl,
      isBlocked: users.isBlocked,
    })
    .from(users)
    .where(inArray(users.id, ids))
}

/**
 * Unread notifications, not counting those caused by suspended users or by someone a block
 * separates from the user (they are not listed either).
 */
export async function countUnread(db: DbOrTx, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .leftJoin(users, eq(users.id, notifications.relatedUserId))
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.isRead, false),
        sql`coalesce(NOT ${users.isBlocked}, true)`,
        notBlockedEitherWay(userId, notifications.relatedUserId),
      ),
    )
  return Number(row?.n ?? 0)
}

/** Marks one of the owner's notifications read; undefined when it is not theirs (or absent). */
export async function markRead(db: DbOrTx, userId: number, id: number): Promise<{ id: number; wasUnread: boolean } | undefined> {
  const [row] = await db
    .select({ id: notifications.id, isRead: notifications.isRead })
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .for('update')
  if (!row) return undefined
  if (!row.isRead) await db.update(notifications).set({ isRead: true }).where(eq(notifications.id, id))
  return { id: row.id, wasUnread: !row.isRead }
}

export async function markAllRead(db: DbOrTx, userId: number): Promise<number[]> {
  const rows = await db
    .update(notifications)
    .set({ isRead: true })
    .where(and(eq(notifications.userId, userId), eq(notifications.isRead, false)))
    .returning({ id: notifications.id })
  return rows.map((r) => r.id)
}

/** Reading a conversation reads its "sent you a message" notifications too, so no email follows. */
export async function markMessageNotificationsRead(db: DbOrTx, userId: number, fromUserId: number): Promise<number[]> {
  const rows = await db
    .update(notifications)
    .set({ isRead: true })
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.type, 'message'),
        eq(notifications.relatedUserId, fromUserId),
        eq(notifications.isRead, false),
      ),
    )
    .returning({ id: notifications.id })
  return rows.map((r) => r.id)
}

/**
 * A block removes every notification between the two people, both ways, and those either got
 * about the other's posts through someone else ("X replied to your comment" under the other's
 * post): unread ones leave the list and the unread count at once, and the email worker finds
 * nothing of theirs to send. Returns what went, for the stream to forget their events.
 */
export async function deleteNotificationsBetween(tx: DbOrTx, a: number, b: number): Promise<{ userId: number; id: number }[]> {
  const about = (receiver: number, other: number) =>
    and(
      eq(notifications.userId, receiver),
      or(
        eq(notifications.relatedUserId, other),
        inArray(notifications.relatedPostId, tx.select({ id: posts.id }).from(posts).where(eq(posts.userId, other))),
      ),
    )
  return tx
    .delete(notifications)
    .where(or(about(a, b), about(b, a)))
    .returning({ userId: notifications.userId, id: notifications.id })
}
