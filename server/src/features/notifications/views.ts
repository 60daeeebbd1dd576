// Presentation: pure functions from rows to the API's shapes. No I/O here.
import { Type, type Static } from '@fastify/type-provider-typebox'
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

export const NotificationGroup = Type.Object(
  {
    id: Type.Integer({
      description: 'The newest notification of the group: mark the group read with POST /notifications/{id}/read?group=true.',
    }),
    type: Type.Union([
      Type.Literal('like'),
      Type.Literal('comment'),
      Type.Literal('follow'),
      Type.Literal('follow_request'),
      Type.Literal('mention'),
    ]),
    count: Type.Integer({ minimum: 1, description: 'Distinct people in the group.' }),
    latestAt: Timestamp,
    isRead: Type.Boolean({ description: 'False while any notification of the group is unread.' }),
    actors: Type.Array(Type.Ref('UserSummary'), { maxItems: 3, description: 'Up to three people, newest first.' }),
    // null for follows, and when the post is gone or hidden from the user
    target: Nullable(
      Type.Object({
        postId: Id,
        ownPost: Type.Boolean({ description: 'The post is the user’s own (else a comment group is replies to their comment).' }),
        thumbnailUrl: Nullable(Type.String({ description: 'The first photo’s thumbnail, when the post has photos.' })),
        commentId: Nullable(Id),
        commentText: Nullable(Type.String({ description: 'The latest comment (comment groups) or the mentioning comment.' })),
      }),
    ),
  },
  { $id: 'NotificationGroup', title: 'NotificationGroup' },
)

export interface GroupParts {
  id: number
  type: Static<typeof NotificationGroup>['type']
  count: number
  unread: boolean
  latestAt: string
  actors: ActorRow[]
  post: { id: number; ownPost: boolean; thumbnailUrl: string | null } | null
  comment: { id: number; content: string } | null
}

export function presentGroup(g: GroupParts): Static<typeof NotificationGroup> {
  return {
    id: g.id,
    type: g.type,
    count: Math.max(g.count, g.actors.length, 1),
    latestAt: g.latestAt,
    isRead: !g.unread,
    actors: g.actors.map(presentSummary),
    target: g.post
      ? {
          postId: g.post.id,
          ownPost: g.post.ownPost,
          thumbnailUrl: g.post.thumbnailUrl,
          commentId: g.comment?.id ?? null,
          commentText: g.comment?.content ?? null,
        }
      : null,
  }
}

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
