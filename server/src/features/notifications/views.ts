// Presentation: pure functions from rows to the API's shapes. No I/O here.
import { Type } from '@fastify/type-provider-typebox'
import type { notifications, users } from '../../db/schema.js'
import { Id, Nullable, Timestamp } from '../../http/schemas.js'
import { presentSummary } from '../users/index.js'

type NotificationRow = typeof notifications.$inferSelect
export type ActorRow = Pick<typeof users.$inferSelect, 'id' | 'username' | 'displayName' | 'avatarUrl'>

export const Notification = Type.Object(
  {
    id: Id,
    type: Type.Union([
      Type.Literal('like'),
      Type.Literal('comment'),
      Type.Literal('follow'),
      Type.Literal('message'),
      Type.Literal('follow_request'),
      Type.Literal('mention'),
    ]),
    message: Type.String({ description: 'Human-readable, e.g. "alice liked your post".' }),
    actor: Nullable(Type.Ref('UserSummary')),
    postId: Nullable(Id),
    commentId: Nullable(Id),
    isRead: Type.Boolean(),
    createdAt: Timestamp,
  },
  { title: 'Notification' },
)

export function presentNotification(n: NotificationRow, actor: ActorRow | undefined) {
  return {
    id: n.id,
    type: n.type,
    message: n.message,
    actor: actor ? presentSummary(actor) : null,
    postId: n.relatedPostId,
    commentId: n.relatedCommentId,
    isRead: n.isRead,
    createdAt: n.createdAt.toISOString(),
  }
}
