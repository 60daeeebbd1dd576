import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { idempotent, IdempotencyHeaders } from '../../http/idempotency.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, Id, IdParams } from '../../http/schemas.js'
import { CommentsService } from './service.js'
import { Comment, MAX_COMMENT_CHARS } from './views.js'

const Content = Type.String({ minLength: 1, maxLength: MAX_COMMENT_CHARS, description: `1 to ${MAX_COMMENT_CHARS} characters.` })

export function commentsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const comments = new CommentsService(ctx)
  const ListQuery = Type.Object(PageQuery, { additionalProperties: false })
  return async (app) => {
    app.get(
      '/posts/:id/comments',
      {
        schema: {
          tags: ['comments'],
          summary: 'Top-level comments of a post, oldest first, each with replyCount',
          params: IdParams,
          querystring: ListQuery,
          response: { 200: Page(Comment), ...errors(400, 404) },
        },
      },
      async (req) => comments.listForPost(req.params.id, req.auth?.userId, req.query.limit, req.query.cursor),
    )

    app.post(
      '/posts/:id/comments',
      {
        schema: {
          tags: ['comments'],
          summary: 'Comment on a post, or reply to one of its comments',
          security: bearer,
          params: IdParams,
          headers: IdempotencyHeaders,
          body: Type.Object({ content: Content, parentCommentId: Type.Optional(Id) }, { additionalProperties: false }),
          response: { 201: Comment, ...errors(400, 401, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const userId = requireUser(req).userId
        return idempotent(ctx.database.db, req, reply, { userId, body: req.body, status: 201 }, () =>
          comments.create(userId, req.params.id, req.body),
        )
      },
    )

    app.get(
      '/comments/:id/replies',
      {
        schema: {
          tags: ['comments'],
          summary: 'Replies to a comment, oldest first',
          params: IdParams,
          querystring: ListQuery,
          response: { 200: Page(Comment), ...errors(400, 404) },
        },
      },
      async (req) => comments.replies(req.params.id, req.auth?.userId, req.query.limit, req.query.cursor),
    )

    app.patch(
      '/comments/:id',
      {
        schema: {
          tags: ['comments'],
          summary: 'Edit a comment (its author only)',
          security: bearer,
          params: IdParams,
          body: Type.Object({ content: Content }, { additionalProperties: false }),
          response: { 200: Comment, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => comments.update(requireUser(req), req.params.id, req.body.content),
    )

    app.delete(
      '/comments/:id',
      {
        schema: {
          tags: ['comments'],
          summary: 'Delete a comment (its author, the post’s author, or an administrator)',
          security: bearer,
          params: IdParams,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await comments.remove(requireUser(req), req.params.id)
        return reply.code(204).send(null)
      },
    )
  }
}
