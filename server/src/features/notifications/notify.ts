// The one way features create notifications: inside the caller's transaction, so the
// notification exists exactly when the like / comment / follow / message does. Its
// `notification.created` stream event is recorded in the same transaction and pushed after commit.
import { and, eq, gt, sql } from 'drizzle-orm'
import { notifications, posts, users } from '../../db/schema.js'
import type { EventBus } from '../../platform/bus/index.js'
import type { AfterCommit } from '../../platform/db/transaction.js'
import type { Tx } from '../../platform/db/types.js'
import { authorVisible, notBlockedEitherWay, notMuted } from '../visibility/index.js'
import { deleteNotificationEvents, recordEvents } from '../stream/index.js'
import { deleteNotificationsBetween } from './queries.js'
import { presentNotification } from './views.js'

export type NotificationType = 'like' | 'comment' | 'follow' | 'message' | 'follow_request' | 'mention'

export interface NotifyInput {
  /** who receives it */
  userId: number
  type: NotificationType
  /** who caused it */
  actorId: number
  postId?: number
  commentId?: number
  /** human-readable, e.g. "alice liked your post" */
  message: string
  /** the actor's public summary when the caller has it at hand (saves a query) */
  actor?: { id: number; username: string; displayName: string | null; avatarUrl: string | null }
}

export type NotificationRow = typeof notifications.$inferSelect

/** Like → unlike → like within this window notifies once. */
export const REPEAT_WINDOW_SECONDS = 3600

/**
 * What notify() needs of the app context. Subscribers (the realtime stream) get the recorded
 * `notification.created` event through the bus, on every instance.
 */
export interface NotifyContext {
  bus: EventBus
}

/**
 * Creates a notification unless it is about the receiver's own action, the receiver muted the
 * actor, a block stands between them, the post it is about is hidden from the receiver, or the same actor already
 * caused the same notification on the same target within REPEAT_WINDOW_SECONDS (for likes and
 * follows, which users toggle). Returns the row, or null when none was created.
 */
export async function notify(ctx: NotifyContext, tx: Tx, afterCommit: AfterCommit, input: NotifyInput): Promise<NotificationRow | null> {
  if (input.userId === input.actorId) return null
  // Nothing from someone the receiver muted (messages excepted: a mute hides feeds and
  // notifications of actions, not conversations), nor across a block either way (checked inside the
  // caller's transaction, which already holds the two people's rows where a block could race), nor
  // about a post the receiver may not see (a reply under the post of someone they block).
  const muted = input.type === 'message' ? sql`true` : notMuted(input.userId, sql`${input.actorId}::int`)
  const postVisible =
    input.postId === undefined
      ? sql`true`
      : sql`EXISTS (SELECT 1 FROM ${posts} np JOIN ${users} nu ON nu.id = np.user_id WHERE np.id = ${input.postId} AND ${authorVisible(input.userId, 'nu')})`
  const [allowed] = await tx
    .select({ ok: sql<boolean>`${muted} AND ${notBlockedEitherWay(input.userId, sql`${input.actorId}::int`)} AND ${postVisible}` })
    .from(sql`(SELECT 1) AS one`)
  if (allowed?.ok !== true) return null
  if (input.type === 'like' || input.type === 'follow') {
    const [recent] = await tx
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, input.userId),
          eq(notifications.type, input.type),
          eq(notifications.relatedUserId, input.actorId),
          input.postId === undefined ? sql`${notifications.relatedPostId} IS NULL` : eq(notifications.relatedPostId, input.postId),
          gt(notifications.createdAt, sql`now() - make_interval(secs => ${REPEAT_WINDOW_SECONDS})`),
        ),
      )
      .limit(1)
    if (recent) return null
  }
  const [row] = await tx
    .insert(notifications)
    .values({
      userId: input.userId,
      type: input.type,
      message: input.message,
      relatedUserId: input.actorId,
      relatedPostId: input.postId ?? null,
      relatedCommentId: input.commentId ?? null,
    })
    .returning()
  const [actor] =
    input.actor?.id === input.actorId
      ? [input.actor]
      : await tx
          .select({ id: users.id, username: users.username, displayName: users.displayName, avatarUrl: users.avatarUrl })
          .from(users)
          .where(eq(users.id, input.actorId))
  await recordEvents(ctx, tx, afterCommit, [
    { userId: input.userId, type: 'notification.created', data: { notification: presentNotification(row!, actor) } },
  ])
  return row!
}

/**
 * A block: every notification between the two people goes (see deleteNotificationsBetween), and
 * their stream events with them, so a client catching up from before the block does not get
 * them back.
 */
export async function removeNotificationsBetween(tx: Tx, a: number, b: number): Promise<void> {
  await deleteNotificationEvents(tx, await deleteNotificationsBetween(tx, a, b))
}
