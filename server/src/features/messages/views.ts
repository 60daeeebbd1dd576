// Presentation: pure functions from rows to the API's shapes. No I/O here.
import { Type } from '@fastify/type-provider-typebox'
import { Id, Nullable, Timestamp } from '../../http/schemas.js'
import { presentSummary } from '../users/index.js'
import type { ConversationRow, MessageRow } from './queries.js'

export const Attachment = Type.Object(
  {
    url: Type.String({
      description: 'Works for the two participants only: signed for the viewer and expiring; with a Bearer token, the path alone works.',
    }),
    name: Type.String(),
    size: Type.Integer({ description: 'Bytes.' }),
    mimeType: Type.String({ description: 'Sniffed from the content, never taken from the client.' }),
    width: Type.Optional(Type.Integer()),
    height: Type.Optional(Type.Integer()),
    placeholder: Type.Optional(Type.String({ description: 'ThumbHash (base64) to paint before the image loads.' })),
  },
  { title: 'Attachment' },
)

export const Message = Type.Object(
  {
    id: Id,
    conversationId: Id,
    senderId: Id,
    receiverId: Id,
    type: Type.Union([Type.Literal('text'), Type.Literal('image'), Type.Literal('file')]),
    content: Nullable(Type.String({ description: 'null once deleted' })),
    attachment: Nullable(Attachment),
    isRead: Type.Boolean(),
    isDeleted: Type.Boolean({ description: 'A deleted message stays as a placeholder: no content, no attachment.' }),
    createdAt: Timestamp,
  },
  { title: 'Message' },
)

export const Conversation = Type.Object(
  {
    id: Id,
    otherUser: Type.Ref('UserSummary'),
    lastMessage: Nullable(Message),
    lastMessageAt: Nullable(Timestamp),
    unreadCount: Type.Integer({ minimum: 0, description: 'Messages the caller received here and has not read.' }),
    readOnly: Type.Boolean({
      description:
        'A block stands between the two (either way): the history stays readable, nothing can be sent (403 `conversation_read_only`), and the other user is shown by id and username only.',
    }),
    createdAt: Timestamp,
  },
  { title: 'Conversation' },
)

export type AttachmentUrl = (messageId: number) => string

export function presentMessage(m: MessageRow, attachmentUrl: AttachmentUrl) {
  const meta = (m.metadata ?? {}) as Record<string, unknown>
  const hasFile = !m.isDeleted && m.fileUrl !== null
  return {
    id: m.id,
    conversationId: m.conversationId,
    senderId: m.senderId,
    receiverId: m.receiverId,
    type: m.messageType,
    content: m.isDeleted ? null : m.content,
    attachment: hasFile
      ? {
          url: attachmentUrl(m.id),
          name: typeof meta.name === 'string' ? meta.name : 'file',
          size: Number(meta.size ?? 0),
          mimeType: typeof meta.mimeType === 'string' ? meta.mimeType : 'application/octet-stream',
          ...(typeof meta.width === 'number' ? { width: meta.width } : {}),
          ...(typeof meta.height === 'number' ? { height: meta.height } : {}),
          ...(typeof meta.placeholder === 'string' ? { placeholder: meta.placeholder } : {}),
        }
      : null,
    isRead: m.isRead,
    isDeleted: m.isDeleted,
    createdAt: m.createdAt.toISOString(),
  }
}

/**
 * A conversation across a block (either way) stays listed with its history, read-only. Its other
 * participant is then a bare handle: id and username, which name the conversation, and never the
 * name or avatar they have now. The same on both sides, so the blocked person learns nothing of the
 * blocker's profile beyond what they already had, and nothing more than "not available" (readOnly).
 */
export function presentConversation(
  c: ConversationRow,
  other: Parameters<typeof presentSummary>[0] & { deleted?: boolean },
  state: { lastMessage: MessageRow | undefined; unreadCount: number; readOnly: boolean },
  attachmentUrl: AttachmentUrl,
) {
  return {
    id: c.id,
    // a purged account's tombstone names itself "Deleted account" (features/deletion)
    otherUser:
      state.readOnly && !other.deleted
        ? { id: other.id, username: other.username, displayName: null, avatarUrl: null }
        : presentSummary(other),
    lastMessage: state.lastMessage ? presentMessage(state.lastMessage, attachmentUrl) : null,
    lastMessageAt: c.lastMessageAt?.toISOString() ?? null,
    unreadCount: state.unreadCount,
    readOnly: state.readOnly,
    createdAt: c.createdAt.toISOString(),
  }
}
