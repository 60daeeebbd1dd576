import type { AppContext } from '../../context.js'
import { AppError, fieldError, forbidden, notFound } from '../../http/errors.js'
import { decodeTimeCursor, paginate } from '../../lib/keyset.js'
import { inTransaction } from '../../platform/db/transaction.js'
import type { Media, UploadedFile } from '../media/index.js'
import { markMessageNotificationsRead, presentNotification } from '../notifications/index.js'
import { publishEvents, recordEvents } from '../stream/index.js'
import { presentSummary } from '../users/index.js'
import { lockPairShared, NO_RELATIONSHIP, relationships } from '../visibility/index.js'
import { AttachmentUrls, type SignedParams } from './attachment-urls.js'
import * as q from './queries.js'
import type { MessageRow } from './queries.js'
import { presentConversation, presentMessage } from './views.js'

/** message.read events list the ids read up to this many (else only upToMessageId). */
const MAX_LISTED_READ_IDS = 200

/** The receiver's notification of a message; %s is the sender's username. */
const MESSAGE_NOTIFICATION_TEXT = '%s sent you a message'

/** Sending into a conversation a block made read-only. Neutral: it says nothing of who blocked whom. */
const readOnly = () =>
  forbidden('This conversation is read-only: its history stays, but no new messages can be sent.', 'conversation_read_only')

/** Longest message text, in characters. */
export const MAX_MESSAGE_LENGTH = 5000

export class MessagesService {
  readonly urls: AttachmentUrls

  constructor(
    private readonly ctx: AppContext,
    private readonly media: Media,
  ) {
    this.urls = new AttachmentUrls(ctx.config.jwtSecret, ctx.config.publicUrl)
  }

  private get db() {
    return this.ctx.database.db
  }

  private onPushError = (err: unknown) => this.ctx.logger.warn({ err }, 'stream publish failed')

  private urlFor = (viewerId: number) => (messageId: number) => this.urls.url(messageId, viewerId)

  /**
   * The caller's conversation with `userId`: 201 when this call created it, 200 when it existed.
   * Refused across a block: a user who blocks the caller is not found (blocking is private), one
   * the caller blocks is 403 `blocking`. Starting a new conversation with someone who accepts
   * messages only from people they follow needs them to follow the caller; an existing one is
   * returned as before.
   */
  async open(meId: number, userId: number) {
    if (userId === meId)
      throw new AppError(400, 'cannot_message_self', 'You cannot start a conversation with yourself.', {
        errors: [{ field: 'userId', message: 'is you' }],
      })
    const { row, created, other } = await inTransaction(this.db, async (tx) => {
      // Both people's rows, shared: a block made at this moment comes wholly before (and is seen
      // here) or after (and then finds the conversation, which it makes read-only).
      await lockPairShared(tx, meId, userId)
      const other = await q.findMessageableUser(tx, userId)
      if (!other) throw notFound('User')
      const rel = (await relationships(tx, meId, [userId])).get(userId) ?? NO_RELATIONSHIP
      if (rel.blockedBy) throw notFound('User')
      if (rel.blocking) throw forbidden('You block this user: unblock them to message them.', 'blocking')
      const existing = await q.findConversationOfPair(tx, meId, userId)
      if (existing) return { row: existing, created: false, other }
      if (other.allowMessagesFrom === 'following' && !rel.followedBy)
        throw forbidden('This user accepts new conversations only from people they follow.', 'messages_not_allowed')
      return { ...(await q.openConversation(tx, meId, userId)), other }
    })
    const [last] = await q.findMessagesByIds(this.db, row.lastMessageId === null ? [] : [row.lastMessageId])
    const unread = await q.unreadCounts(this.db, meId, [row.id])
    // No block stood when it was checked above; the conversation is writable.
    const state = { lastMessage: last, unreadCount: unread.get(row.id) ?? 0, readOnly: false }
    return { created, conversation: presentConversation(row, other, state, this.urlFor(meId)) }
  }

  async list(meId: number, limit: number, cursor: string | undefined) {
    const before = decodeTimeCursor(cursor)
    // skeleton (with the other participant) → hydrate last messages and unread counts → present
    const rows = await q.listConversations(this.db, meId, before, limit)
    const page = paginate(rows, limit, (r) => [r.at, r.conversation.id])
    const ids = page.items.map((r) => r.conversation.id)
    const lastIds = page.items.map((r) => r.conversation.lastMessageId).filter((id): id is number => id !== null)
    const [lasts, unread] = await Promise.all([q.findMessagesByIds(this.db, lastIds), q.unreadCounts(this.db, meId, ids)])
    const lastById = new Map(lasts.map((m) => [m.id, m]))
    return {
      items: page.items.map((r) =>
        presentConversation(
          r.conversation,
          r.other,
          {
            lastMessage: r.conversation.lastMessageId === null ? undefined : lastById.get(r.conversation.lastMessageId),
            unreadCount: unread.get(r.conversation.id) ?? 0,
            readOnly: r.readOnly === true,
          },
          this.urlFor(meId),
        ),
      ),
      nextCursor: page.nextCursor,
    }
  }

  /** The conversation if the caller takes part and the other participant is not suspended; else 404. */
  async requireConversation(meId: number, conversationId: number) {
    const found = await q.findConversationFor(this.db, conversationId, meId)
    if (!found || found.other.isBlocked) throw notFound('Conversation')
    return found
  }

  /** As requireConversation, and one the caller may send to: 403 when a block made it read-only. */
  async requireWritableConversation(meId: number, conversationId: number) {
    const found = await this.requireConversation(meId, conversationId)
    if (found.readOnly) throw readOnly()
    return found
  }

  async history(meId: number, conversationId: number, limit: number, cursor: string | undefined) {
    const before = decodeTimeCursor(cursor)
    await this.requireConversation(meId, conversationId)
    const rows = await q.listMessages(this.db, conversationId, before, limit)
    const page = paginate(rows, limit, (r) => [r.at, r.message.id])
    return { items: page.items.map((r) => presentMessage(r.message, this.urlFor(meId))), nextCursor: page.nextCursor }
  }

  /**
   * Stores the attachment first (it may take a while), then sends in one statement: the message,
   * the conversation's last message, the receiver's notification and the stream events commit
   * together (q.SEND_MESSAGE_SQL), and the events are published. An attachment whose message did
   * not commit is removed again.
   */
  async send(meId: number, conversationId: number, input: { content: string; file?: UploadedFile }) {
    const content = input.content.trim()
    if (!input.file && content.length === 0)
      throw fieldError('content', 'is required when no file is sent', 'A message needs text or a file.')
    if (content.length > MAX_MESSAGE_LENGTH)
      throw fieldError(
        'content',
        `must not have more than ${MAX_MESSAGE_LENGTH} characters`,
        `A message may be at most ${MAX_MESSAGE_LENGTH} characters.`,
      )
    // With a file, who may post here is settled before storing it; text is checked by the send itself.
    const checked = input.file ? await this.requireWritableConversation(meId, conversationId) : undefined
    const stored = input.file ? await this.media.storeAttachment(input.file) : undefined
    try {
      // An attachment's signed URLs name the message, so its id is drawn first; a text message's
      // id comes from the insert. One clock for the URLs stored and the ones pushed live.
      const id = stored ? await q.allocateMessageId(this.db) : null
      const now = Date.now()
      const urlFor = (viewerId: number) => (messageId: number) => this.urls.url(messageId, viewerId, now)
      // The presentations, with what only the database knows filled in by the statement.
      const draft: MessageRow = {
        id: id ?? 0,
        conversationId,
        senderId: meId,
        receiverId: 0,
        content,
        messageType: stored?.kind ?? 'text',
        // the private storage key; clients only ever see signed attachment URLs
        fileUrl: stored?.key ?? null,
        metadata: stored?.metadata ?? null,
        isRead: false,
        isDeleted: false,
        createdAt: new Date(0),
        updatedAt: new Date(0),
      }
      const draftNotification = presentNotification(
        {
          id: 0,
          userId: 0,
          type: 'message',
          message: '',
          relatedUserId: meId,
          relatedPostId: null,
          relatedCommentId: null,
          isRead: false,
          isEmailSent: false,
          createdAt: new Date(0),
          emailAttempts: 0,
          emailNextAttemptAt: null,
          emailLastError: null,
        },
        undefined,
      )
      const sent = await q.sendMessage(
        this.db,
        { id, conversationId, senderId: meId, content, messageType: draft.messageType, fileUrl: draft.fileUrl, metadata: draft.metadata },
        MESSAGE_NOTIFICATION_TEXT,
        {
          // the receiver is not known before the statement; only their signed URL depends on it
          receiverMessage: presentMessage(draft, urlFor(checked?.other.id ?? 0)),
          senderMessage: presentMessage(draft, urlFor(meId)),
          notification: draftNotification,
        },
      )
      if (!sent) throw await this.whyNotSent(meId, conversationId)
      const { message, notification, events } = sent
      const sender = presentSummary(sent.me)
      const dataFor = (e: (typeof events)[number]) =>
        e.type === 'notification.created'
          ? { notification: presentNotification(notification, sender) }
          : { message: presentMessage(message, urlFor(e.userId)), sender }
      const published = events.map((e) => ({ userId: e.userId, event: { id: e.id, type: e.type, data: dataFor(e) } }))
      // Committed: from here on nothing fails the request (as afterCommit callbacks in inTransaction).
      await publishEvents(this.ctx.bus, published).catch(this.onPushError)
      return presentMessage(message, urlFor(meId))
    } catch (e) {
      if (stored) await this.media.removeKeys([stored.key])
      throw e
    }
  }

  /**
   * The send statement wrote nothing: the caller does not take part or the other participant is
   * suspended (404), else a block stood (the only other thing it checks; 403 read-only).
   */
  private async whyNotSent(meId: number, conversationId: number) {
    const found = await q.findConversationFor(this.db, conversationId, meId)
    return !found || found.other.isBlocked ? notFound('Conversation') : readOnly()
  }

  /**
   * Marks what the caller received here read; the sender's devices learn it on the stream, unless
   * a block stands between them (the caller's own devices still do).
   */
  async markRead(meId: number, conversationId: number) {
    return inTransaction(
      this.db,
      async (tx, afterCommit) => {
        const found = await q.findConversationFor(tx, conversationId, meId)
        if (!found || found.other.isBlocked) throw notFound('Conversation')
        const ids = await q.markReceivedRead(tx, conversationId, meId)
        if (ids.length === 0) return { markedRead: 0 }
        const readNotifications = await markMessageNotificationsRead(tx, meId, found.other.id)
        ids.sort((a, b) => a - b)
        // Everything the reader received up to upToMessageId is read; the ids are listed while few.
        const data = {
          conversationId,
          readerId: meId,
          upToMessageId: ids[ids.length - 1]!,
          count: ids.length,
          ...(ids.length <= MAX_LISTED_READ_IDS ? { messageIds: ids } : {}),
          readAt: new Date().toISOString(),
        }
        await recordEvents(this.ctx, tx, afterCommit, [
          ...(found.readOnly ? [] : [{ userId: found.other.id, type: 'message.read' as const, data }]),
          { userId: meId, type: 'message.read', data },
          ...(readNotifications.length > 0 ? [{ userId: meId, type: 'notification.read' as const, data: { ids: readNotifications } }] : []),
        ])
        return { markedRead: ids.length }
      },
      this.onPushError,
    )
  }

  /** Soft delete by the sender: the content and the file are gone for good, a placeholder stays. */
  async remove(meId: number, messageId: number): Promise<void> {
    const removedKey = await inTransaction(
      this.db,
      async (tx, afterCommit) => {
        const message = await q.findMessageForParticipant(tx, messageId, meId, { lock: true })
        if (!message) throw notFound('Message')
        if (message.senderId !== meId) throw forbidden('Only its sender can delete a message.', 'not_sender')
        if (message.isDeleted) return null
        await q.softDeleteMessage(tx, messageId)
        await q.scrubMessageEvents(tx, message)
        const data = { conversationId: message.conversationId, messageId }
        await recordEvents(this.ctx, tx, afterCommit, [
          { userId: message.receiverId, type: 'message.deleted', data },
          { userId: meId, type: 'message.deleted', data },
        ])
        return message.fileUrl
      },
      this.onPushError,
    )
    if (removedKey) await this.media.removeKeys([removedKey])
  }

  /**
   * Opens a message's attachment for a participant, identified by a Bearer token or by a URL
   * signed for them. Anyone else, a deleted message, or a hidden conversation: 404.
   */
  async openAttachment(messageId: number, viewer: { userId?: number; signed?: Partial<SignedParams> }) {
    let viewerId = viewer.userId
    if (viewerId === undefined) {
      const { u, exp, sig } = viewer.signed ?? {}
      if (u === undefined || exp === undefined || sig === undefined) {
        throw new AppError(401, 'unauthorized', 'Sign in, or use the signed URL from the message.')
      }
      const signedFor = this.urls.verify(messageId, { u, exp, sig })
      if (signedFor === null) throw forbidden('This attachment link is invalid or has expired.', 'invalid_signature')
      viewerId = signedFor
    }
    const row = await q.findAttachmentFor(this.db, messageId, viewerId)
    if (!row || row.meBlocked || row.otherBlocked || row.message.isDeleted || row.message.fileUrl === null) throw notFound('Attachment')
    const object = await this.media.openPrivate(row.message.fileUrl)
    if (!object) throw notFound('Attachment')
    const stored = (row.message.metadata as { name?: unknown } | null)?.name
    const name = typeof stored === 'string' ? stored : 'file'
    return { object, name }
  }
}
