// Presentation: pure functions from rows to the API's shapes. No I/O here.
import { Type } from '@fastify/type-provider-typebox'
import { Id, Nullable, Timestamp } from '../../http/schemas.js'
import { presentSummary, UserSummary } from '../users/index.js'

export const MAX_COMMENT_CHARS = 2000

export const Comment = Type.Object(
  {
    id: Id,
    postId: Id,
    parentCommentId: Nullable(Id),
    author: Nullable(UserSummary),
    content: Nullable(Type.String({ description: 'null for a deleted comment kept as a placeholder' })),
    isDeleted: Type.Boolean({ description: 'A placeholder for a deleted comment that still has replies.' }),
    replyCount: Type.Integer({ description: 'Live direct replies.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    edited: Type.Boolean(),
  },
  { $id: 'Comment' },
)

export interface CommentRow {
  id: number
  postId: number
  parentCommentId: number | null
  content: string
  isDeleted: boolean
  replyCount: number
  createdAt: Date
  updatedAt: Date
  edited: boolean
  /** the sort key as PostgreSQL wrote it, for cursors */
  at: string
  author: { id: number; username: string; displayName: string | null; avatarUrl: string | null; isBlocked: boolean }
}

/** Deleted comments, and comments of blocked authors, keep only their place in the thread. */
export function presentComment(row: CommentRow) {
  const hidden = row.isDeleted || row.author.isBlocked
  return {
    id: row.id,
    postId: row.postId,
    parentCommentId: row.parentCommentId,
    author: hidden ? null : presentSummary(row.author),
    content: hidden ? null : row.content,
    isDeleted: hidden,
    replyCount: row.replyCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    edited: hidden ? false : row.edited,
  }
}
