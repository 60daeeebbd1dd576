import type { AppContext } from '../../context.js'
import type { AuthInfo } from '../../http/auth.js'
import { AppError, forbidden, notFound } from '../../http/errors.js'
import { boundAfter, decodeTimeCursor, paginate } from '../../lib/keyset.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { notifyMentions } from '../mentions/index.js'
import { notify } from '../notifications/index.js'
import { authorOfPost, findVisiblePost } from '../posts/index.js'
import { lockPairShared } from '../visibility/index.js'
import { actorSummary } from '../users/index.js'
import * as q from './queries.js'
import { presentComment, type CommentRow } from './views.js'

const invalidParent = () =>
  new AppError(400, 'invalid_parent', 'The comment replied to does not exist on this post.', {
    errors: [{ field: 'parentCommentId', message: 'is not a comment of this post' }],
  })

const emptyComment = () =>
  new AppError(400, 'validation_failed', 'A comment cannot be empty.', { errors: [{ field: 'content', message: 'is empty' }] })

export class CommentsService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.database.db
  }

  async listForPost(postId: number, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    const from = decodeTimeCursor(cursor)
    if (!(await findVisiblePost(this.db, postId, { viewerId }))) throw notFound('Post')
    return this.page(await q.listTopLevel(this.db, postId, viewerId, boundAfter(from), limit), limit, viewerId)
  }

  async replies(commentId: number, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    const from = decodeTimeCursor(cursor)
    const parent = await q.findComment(this.db, commentId, viewerId)
    if (!parent || !(await findVisiblePost(this.db, parent.postId, { viewerId }))) throw notFound('Comment')
    return this.page(await q.listReplies(this.db, commentId, viewerId, boundAfter(from), limit), limit, viewerId)
  }

  /**
   * The cursor comes from the skeleton, so dropping hidden comments without live replies below
   * them never makes the next page skip or repeat one. One more query, only when the page holds
   * hidden comments: constant per page.
   */
  private async page(rows: CommentRow[], limit: number, viewerId: number | undefined) {
    const page = paginate(rows, limit, (r) => [r.at, r.id])
    const hidden = page.items.filter((r) => r.isDeleted || r.author.isBlocked).map((r) => r.id)
    const kept = hidden.length === 0 ? new Set<number>() : await q.withLiveDescendants(this.db, hidden, viewerId)
    const items = page.items.filter((r) => !(r.isDeleted || r.author.isBlocked) || kept.has(r.id))
    return { items: items.map(presentComment), nextCursor: page.nextCursor }
  }

  async create(actorId: number, postId: number, input: { content: string; parentCommentId?: number }) {
    const content = input.content.trim()
    if (content === '') throw emptyComment()
    const authorId = await authorOfPost(this.db, postId)
    if (authorId === undefined) throw notFound('Post')
    const id = await inTransaction(this.db, async (tx, afterCommit) => {
      // The two people first (a block between them waits for this comment, then removes it, or
      // came first and hides the post), then the post row, locked first by every write that
      // moves its counters: one lock order.
      await lockPairShared(tx, actorId, authorId)
      const post = await findVisiblePost(tx, postId, { lock: true, viewerId: actorId })
      if (!post) throw notFound('Post')
      let parentAuthorId: number | undefined
      if (input.parentCommentId !== undefined) {
        // Replying to someone who blocks you (or whom you block) is replying to a comment you cannot see.
        const parent = await q.lockComment(tx, input.parentCommentId, actorId)
        if (!parent || parent.postId !== postId || parent.isDeleted || parent.authorHidden) throw invalidParent()
        parentAuthorId = parent.userId
      }
      const commentId = await q.insertComment(tx, { userId: actorId, postId, parentCommentId: input.parentCommentId ?? null, content })
      await q.adjustCommentCount(tx, postId, 1)
      if (input.parentCommentId !== undefined) await q.adjustReplyCount(tx, input.parentCommentId, 1)

      // The post's author hears about every comment; the parent's author about replies to them.
      // Nobody is told about their own comment, nor twice about the same one.
      const actor = await actorSummary(tx, actorId)
      const notified = new Set<number>([actorId])
      if (!notified.has(post.userId)) {
        notified.add(post.userId)
        await notify(this.ctx, tx, afterCommit, {
          userId: post.userId,
          type: 'comment',
          actorId,
          actor,
          postId,
          commentId,
          message:
            parentAuthorId === post.userId ? `${actor.username} replied to your comment` : `${actor.username} commented on your post`,
        })
      }
      if (parentAuthorId !== undefined && !notified.has(parentAuthorId)) {
        await notify(this.ctx, tx, afterCommit, {
          userId: parentAuthorId,
          type: 'comment',
          actorId,
          actor,
          postId,
          commentId,
          message: `${actor.username} replied to your comment`,
        })
        notified.add(parentAuthorId)
      }
      // mentioned people who were not just told about this comment another way
      await notifyMentions(this.ctx, tx, afterCommit, {
        source: { kind: 'comment', id: commentId },
        postId,
        authorId: actorId,
        content,
        skip: notified,
      })
      return commentId
    })
    return presentComment((await q.findComment(this.db, id))!)
  }

  async update(actor: AuthInfo, id: number, content: string) {
    const trimmed = content.trim()
    if (trimmed === '') throw emptyComment()
    await inTransaction(this.db, async (tx, afterCommit) => {
      const comment = await q.lockComment(tx, id, actor.userId)
      if (!comment || comment.isDeleted || comment.authorHidden) throw notFound('Comment')
      if (!(await findVisiblePost(tx, comment.postId, { viewerId: actor.userId }))) throw notFound('Comment')
      if (comment.userId !== actor.userId) throw forbidden('Only the author can edit a comment.')
      await q.updateCommentContent(tx, id, trimmed)
      await notifyMentions(this.ctx, tx, afterCommit, {
        source: { kind: 'comment', id },
        postId: comment.postId,
        authorId: comment.userId,
        content: trimmed,
      })
    })
    return presentComment((await q.findComment(this.db, id))!)
  }

  /** By its author, the post's author, or an admin. Replies stay; the comment becomes a placeholder. */
  async remove(actor: AuthInfo, id: number) {
    const postId = await q.postIdOfComment(this.db, id)
    if (postId === undefined) throw notFound('Comment')
    await inTransaction(this.db, async (tx) => {
      // Moderators and the post's author may delete whatever they see; the visibility rule is the viewer's.
      const post = await findVisiblePost(tx, postId, { lock: true, viewerId: actor.userId })
      const comment = await q.lockComment(tx, id, actor.userId)
      if (!post || !comment || comment.isDeleted || comment.authorHidden) throw notFound('Comment')
      if (comment.userId !== actor.userId && post.userId !== actor.userId && actor.role !== 'admin') {
        throw forbidden('Only the comment’s author, the post’s author or an administrator can delete a comment.')
      }
      await q.softDeleteComment(tx, id)
    })
  }
}
