import { aliasedTable, and, desc, eq, inArray, or, sql } from 'drizzle-orm'
import { conversations, messages, streamEvents, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import { runNamed } from '../../platform/db/named-statement.js'
import { cursorAt, type TimeKey } from '../../lib/keyset.js'
import type { NotificationRow } from '../notifications/index.js'
import { notBlockedEitherWay, notBlockedEitherWaySql } from '../visibility/index.js'

export type ConversationRow = typeof conversations.$inferSelect
export type MessageRow = typeof messages.$inferSelect

// isBlocked: hidden (suspended, or being deleted). A purged account (deleted_at) is not hidden
// here: the survivor keeps the conversation, read-only, with "Deleted account" on the other side.
const summary = (u: typeof users) => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  avatarUrl: u.avatarUrl,
  isBlocked: sql<boolean>`(${u.isBlocked} AND ${u.deletedAt} IS NULL)`,
  deleted: sql<boolean>`(${u.deletedAt} IS NOT NULL)`,
})

/** A user that can be messaged: exists and is not suspended; with who may start a conversation with them. */
export async function findMessageableUser(db: DbOrTx, id: number) {
  const [row] = await db
    .select({ ...summary(users), allowMessagesFrom: users.allowMessagesFrom })
    .from(users)
    .where(eq(users.id, id))
    .limit(1)
  return row && !row.isBlocked && !row.deleted ? row : undefined
}

/** The pair's conversation, if it was ever opened. */
export async function findConversationOfPair(db: DbOrTx, a: number, b: number): Promise<ConversationRow | undefined> {
  const [user1Id, user2Id] = a < b ? [a, b] : [b, a]
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.user1Id, user1Id), eq(conversations.user2Id, user2Id)))
  return row
}

/**
 * The one conversation of a pair: created by whichever request comes first. ON CONFLICT DO
 * NOTHING waits for a concurrent insert of the same pair to commit, so the SELECT then finds it.
 */
export async function openConversation(db: DbOrTx, a: number, b: number): Promise<{ row: ConversationRow; created: boolean }> {
  const [user1Id, user2Id] = a < b ? [a, b] : [b, a]
  const [inserted] = await db.insert(conversations).values({ user1Id, user2Id }).onConflictDoNothing().returning()
  if (inserted) return { row: inserted, created: true }
  const [existing] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.user1Id, user1Id), eq(conversations.user2Id, user2Id)))
  return { row: existing!, created: false }
}

const me = aliasedTable(users, 'me')
const other = aliasedTable(users, 'other')

/** A block stands between the two participants, either way: the conversation is read-only. */
const readOnly = (userId: number) => sql<boolean>`(${other.deletedAt} IS NOT NULL OR NOT (${notBlockedEitherWay(userId, other.id)}))`

/**
 * A conversation as seen by `userId`, with both participants and whether it is read-only;
 * undefined unless `userId` is one of them. `lock` takes the conversation row for the rest of the
 * transaction.
 */
export async function findConversationFor(db: DbOrTx, conversationId: number, userId: number, opts: { lock?: boolean } = {}) {
  const otherId = sql`CASE WHEN ${conversations.user1Id} = ${userId} THEN ${conversations.user2Id} ELSE ${conversations.user1Id} END`
  const q = db
    .select({ conversation: conversations, me: summary(me), other: summary(other), readOnly: readOnly(userId) })
    .from(conversations)
    .innerJoin(me, eq(me.id, userId))
    .innerJoin(other, eq(other.id, otherId))
    .where(and(eq(conversations.id, conversationId), or(eq(conversations.user1Id, userId), eq(conversations.user2Id, userId))))
  const [row] = await (opts.lock ? q.for('update', { of: conversations }) : q)
  return row
}

/**
 * Skeleton of the caller's conversation list, newest activity first, with the other participant
 * and whether a block makes it read-only (conversations with suspended users are left out here, so
 * pages stay full). A conversation without messages yet sorts by its creation.
 */
export async function listConversations(db: DbOrTx, userId: number, before: TimeKey | undefined, limit: number) {
  const activity = sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`
  const otherId = sql`CASE WHEN ${conversations.user1Id} = ${userId} THEN ${conversations.user2Id} ELSE ${conversations.user1Id} END`
  return db
    .select({ conversation: conversations, other: summary(other), readOnly: readOnly(userId), at: cursorAt(activity) })
    .from(conversations)
    .innerJoin(other, eq(other.id, otherId))
    .where(
      and(
        or(eq(conversations.user1Id, userId), eq(conversations.user2Id, userId)),
        sql`(NOT ${other.isBlocked} OR ${other.deletedAt} IS NOT NULL)`,
        before === undefined ? undefined : sql`(${activity}, ${conversations.id}) < (${before.at}::timestamptz, ${before.id}::int)`,
      ),
    )
    .orderBy(desc(activity), desc(conversations.id))
    .limit(limit + 1)
}

export async function findMessagesByIds(db: DbOrTx, ids: number[]): Promise<MessageRow[]> {
  if (ids.length === 0) return []
  return db.select().from(messages).where(inArray(messages.id, ids))
}

/** Unread received messages per conversation, for a page of conversations (messages_unread_idx). */
export async function unreadCounts(db: DbOrTx, userId: number, conversationIds: number[]): Promise<Map<number, number>> {
  if (conversationIds.length === 0) return new Map()
  const rows = await db
    .select({ conversationId: messages.conversationId, n: sql<number>`count(*)::int` })
    .from(messages)
    .where(
      and(
        eq(messages.receiverId, userId),
        eq(messages.isRead, false),
        eq(messages.isDeleted, false),
        inArray(messages.conversationId, conversationIds),
      ),
    )
    .groupBy(messages.conversationId)
  return new Map(rows.map((r) => [r.conversationId, Number(r.n)]))
}

/** History newest first, keyset on (created_at, id) through messages_history_idx. */
export async function listMessages(db: DbOrTx, conversationId: number, before: TimeKey | undefined, limit: number) {
  return db
    .select({ message: messages, at: cursorAt(messages.createdAt) })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        before === undefined ? undefined : sql`(${messages.createdAt}, ${messages.id}) < (${before.at}::timestamptz, ${before.id}::int)`,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit + 1)
}

export interface Participant {
  id: number
  username: string
  displayName: string | null
  avatarUrl: string | null
  isBlocked: boolean
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`

/**
 * The whole send in one statement, so it is atomic without BEGIN/COMMIT round trips (it is the hot
 * path: bench/stream.ts). It locks the conversation if the sender ($2) takes part, and writes only
 * when the other participant is not suspended and no block stands between the two, either way (the
 * rule of features/visibility: a block makes the conversation read-only). It inserts the message
 * stamped with the clock time taken after the lock (so a conversation's messages are ordered as
 * they committed), points the conversation at it, creates the receiver's `message` notification
 * (text: format($7, sender's username)) and records the stream events: message.created for the
 * receiver and the sender, then notification.created. Writes nothing when the sender may not post
 * there. Run as a named prepared statement.
 *
 * The block check reads the statement's snapshot: a block committed while the statement runs is
 * not seen, and that message is ordered before the block (as if sent a moment earlier; the history
 * keeps it like every earlier one). Anything sent after the block committed is refused.
 *
 * The events' data are the API's presentations, made by views.ts in the caller from the values it
 * knows ($9–$11); the statement fills in only what the database decides: ids, the receiver,
 * timestamps (formatted as JavaScript's toISOString()), the notification's text, and the sender's
 * summary (presentSummary's four fields). A test compares the stored events with those pushed live.
 * Parameters: $1 conversation id, $2 sender id, $3 content, $4 message type, $5 file key,
 * $6 metadata (JSON text or null), $7 the notification's text with %s for the sender's username,
 * $8 the message id when allocated beforehand (attachments: their signed URLs name it) or null,
 * $9/$10 the receiver's/sender's presented message, $11 the presented notification.
 */
export const SEND_MESSAGE_SQL = `WITH c AS (
  SELECT id, CASE WHEN user1_id = $2::int THEN user2_id ELSE user1_id END AS other_id
  FROM conversations
  WHERE id = $1::int AND $2::int IN (user1_id, user2_id)
  FOR UPDATE
), m AS (
  INSERT INTO messages (id, conversation_id, sender_id, receiver_id, content, message_type, file_url, metadata, created_at, updated_at)
  SELECT coalesce($8::int, nextval('messages_id_seq')::int), c.id, $2::int, c.other_id, $3::text, $4::message_type, $5::varchar,
         $6::jsonb, clock_timestamp(), clock_timestamp()
  FROM c JOIN users o ON o.id = c.other_id
  WHERE NOT o.is_blocked AND ${notBlockedEitherWaySql('$2', 'c.other_id')}
  RETURNING id, conversation_id, sender_id, receiver_id, content, message_type, file_url, metadata, is_read, is_deleted,
            created_at, to_char(created_at AT TIME ZONE 'UTC', ${ISO}) AS created_iso, updated_at
), u AS (
  UPDATE conversations SET last_message_id = m.id, last_message_at = m.created_at, updated_at = now()
  FROM m WHERE conversations.id = m.conversation_id
), s AS (
  SELECT username, display_name, avatar_url, is_blocked,
         jsonb_build_object('id', id, 'username', username, 'displayName', display_name, 'avatarUrl', avatar_url) AS summary
  FROM users WHERE id = $2::int
), n AS (
  INSERT INTO notifications (user_id, type, message, related_user_id)
  SELECT m.receiver_id, 'message', format($7::text, s.username), m.sender_id
  FROM m, s
  RETURNING id, user_id, type, message, related_user_id, related_post_id, related_comment_id, is_read, is_email_sent,
            to_char(created_at AT TIME ZONE 'UTC', ${ISO}) AS created_iso, email_attempts, email_next_attempt_at, email_last_error
), e AS (
  INSERT INTO stream_events (user_id, type, data)
  SELECT user_id, type, data FROM (
    SELECT 1 AS n, m.receiver_id AS user_id, 'message.created' AS type,
           jsonb_build_object('message', $9::jsonb || jsonb_build_object('id', m.id, 'receiverId', m.receiver_id, 'createdAt', m.created_iso),
                              'sender', s.summary) AS data
    FROM m, s
    UNION ALL
    SELECT 2, m.sender_id, 'message.created',
           jsonb_build_object('message', $10::jsonb || jsonb_build_object('id', m.id, 'receiverId', m.receiver_id, 'createdAt', m.created_iso),
                              'sender', s.summary)
    FROM m, s
    UNION ALL
    SELECT 3, n.user_id, 'notification.created',
           jsonb_build_object('notification', $11::jsonb || jsonb_build_object('id', n.id, 'message', n.message, 'actor', s.summary, 'createdAt', n.created_iso))
    FROM n, s
  ) x
  ORDER BY n
  RETURNING id, user_id, type
)
SELECT m.id, m.conversation_id, m.sender_id, m.receiver_id, m.content, m.message_type, m.file_url, m.metadata, m.is_read, m.is_deleted,
       m.created_iso, m.updated_at,
       s.username, s.display_name, s.avatar_url, s.is_blocked,
       o.username, o.display_name, o.avatar_url, o.is_blocked,
       n.id, n.user_id, n.type, n.message, n.related_user_id, n.related_post_id, n.related_comment_id, n.is_read, n.is_email_sent,
       n.created_iso, n.email_attempts, n.email_next_attempt_at, n.email_last_error,
       (SELECT array_agg(id ORDER BY id) FROM e), (SELECT array_agg(user_id ORDER BY id) FROM e), (SELECT array_agg(type ORDER BY id) FROM e)
FROM m CROSS JOIN s JOIN users o ON o.id = m.receiver_id CROSS JOIN n`

export interface SentMessage {
  message: MessageRow
  me: Participant
  other: Participant
  notification: NotificationRow
  /** the recorded events, in id order */
  events: { id: number; userId: number; type: 'message.created' | 'notification.created' }[]
}

export interface SendTemplates {
  /** the message as the receiver and the sender are shown it (views.ts); ids, receiver and time are filled in */
  receiverMessage: Record<string, unknown>
  senderMessage: Record<string, unknown>
  /** the notification as presented (views.ts); id, text, actor and time are filled in */
  notification: Record<string, unknown>
}

/** A message id drawn ahead of the send, for messages whose presentation names it (signed attachment URLs). */
export async function allocateMessageId(db: DbOrTx): Promise<number> {
  const [row] = await queryRows<{ id: number }>(db, sql`SELECT nextval('messages_id_seq')::int AS id`)
  return Number(row!.id)
}

/** Runs SEND_MESSAGE_SQL; undefined (nothing written) when the sender may not post there. */
export async function sendMessage(
  db: DbOrTx,
  values: {
    id: number | null
    conversationId: number
    senderId: number
    content: string
    messageType: MessageRow['messageType']
    fileUrl: string | null
    metadata: unknown
  },
  notificationText: string,
  templates: SendTemplates,
): Promise<SentMessage | undefined> {
  const params = [
    values.conversationId,
    values.senderId,
    values.content,
    values.messageType,
    values.fileUrl,
    values.metadata === null ? null : JSON.stringify(values.metadata),
    notificationText,
    values.id,
    JSON.stringify(templates.receiverMessage),
    JSON.stringify(templates.senderMessage),
    JSON.stringify(templates.notification),
  ]
  const [r] = await runNamed(db, 'send_message', SEND_MESSAGE_SQL, params, (rows) => rows)
  if (!r) return undefined
  const date = (v: unknown) => (v instanceof Date ? v : new Date(String(v)))
  const json = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v)
  const int = (v: unknown) => (v === null ? null : Number(v))
  const message: MessageRow = {
    id: Number(r[0]),
    conversationId: Number(r[1]),
    senderId: Number(r[2]),
    receiverId: Number(r[3]),
    content: String(r[4]),
    messageType: r[5] as MessageRow['messageType'],
    fileUrl: (r[6] as string | null) ?? null,
    metadata: json(r[7] ?? null),
    isRead: Boolean(r[8]),
    isDeleted: Boolean(r[9]),
    createdAt: date(r[10]),
    updatedAt: date(r[11]),
  }
  const person = (at: number, id: number): Participant => ({
    id,
    username: String(r[at]),
    displayName: (r[at + 1] as string | null) ?? null,
    avatarUrl: (r[at + 2] as string | null) ?? null,
    isBlocked: Boolean(r[at + 3]),
  })
  const notification: NotificationRow = {
    id: Number(r[20]),
    userId: Number(r[21]),
    type: r[22] as NotificationRow['type'],
    message: String(r[23]),
    relatedUserId: int(r[24]),
    relatedPostId: int(r[25]),
    relatedCommentId: int(r[26]),
    isRead: Boolean(r[27]),
    isEmailSent: Boolean(r[28]),
    createdAt: date(r[29]),
    emailAttempts: Number(r[30]),
    emailNextAttemptAt: r[31] === null ? null : date(r[31]),
    emailLastError: (r[32] as string | null) ?? null,
  }
  const ids = r[33] as unknown[]
  const userIds = r[34] as unknown[]
  const types = r[35] as SentMessage['events'][number]['type'][]
  const events = ids.map((id, i) => ({ id: Number(id), userId: Number(userIds[i]), type: types[i]! }))
  return { message, me: person(12, message.senderId), other: person(16, message.receiverId), notification, events }
}

/** Marks every message `userId` received in the conversation read; returns their ids. */
export async function markReceivedRead(db: DbOrTx, conversationId: number, userId: number): Promise<number[]> {
  const rows = await db
    .update(messages)
    .set({ isRead: true })
    .where(and(eq(messages.conversationId, conversationId), eq(messages.receiverId, userId), eq(messages.isRead, false)))
    .returning({ id: messages.id })
  return rows.map((r) => r.id)
}

/** The message with a lock, if `userId` is one of its two participants. */
export async function findMessageForParticipant(db: DbOrTx, messageId: number, userId: number, opts: { lock?: boolean } = {}) {
  const q = db
    .select()
    .from(messages)
    .where(and(eq(messages.id, messageId), or(eq(messages.senderId, userId), eq(messages.receiverId, userId))))
  const [row] = await (opts.lock ? q.for('update') : q)
  return row
}

/** Soft delete that forgets the content and the file for good; a placeholder row remains. */
export async function softDeleteMessage(db: DbOrTx, messageId: number) {
  await db
    .update(messages)
    .set({ isDeleted: true, content: '', fileUrl: null, metadata: null, updatedAt: sql`now()` })
    .where(eq(messages.id, messageId))
}

/**
 * Rewrites the recorded `message.created` events of a deleted message, so a client catching up
 * later receives the placeholder, not the content.
 */
export async function scrubMessageEvents(db: DbOrTx, message: Pick<MessageRow, 'id' | 'senderId' | 'receiverId'>) {
  await db
    .update(streamEvents)
    .set({
      data: sql`jsonb_set(${streamEvents.data}, '{message}', (${streamEvents.data} -> 'message') || '{"content": null, "attachment": null, "isDeleted": true}'::jsonb)`,
    })
    .where(
      and(
        inArray(streamEvents.userId, [message.senderId, message.receiverId]),
        eq(streamEvents.type, 'message.created'),
        sql`(${streamEvents.data} -> 'message' ->> 'id') = ${String(message.id)}`,
      ),
    )
}

/** A message with the standing of both participants, for serving its attachment. */
export async function findAttachmentFor(db: DbOrTx, messageId: number, userId: number) {
  const [row] = await db
    .select({ message: messages, meBlocked: me.isBlocked, otherBlocked: sql<boolean>`(${other.isBlocked} AND ${other.deletedAt} IS NULL)` })
    .from(messages)
    .innerJoin(me, eq(me.id, userId))
    .innerJoin(
      other,
      eq(other.id, sql`CASE WHEN ${messages.senderId} = ${userId} THEN ${messages.receiverId} ELSE ${messages.senderId} END`),
    )
    .where(and(eq(messages.id, messageId), or(eq(messages.senderId, userId), eq(messages.receiverId, userId))))
  return row
}
