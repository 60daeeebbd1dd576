import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, IdParams } from '../../http/schemas.js'
import { LikesService } from './service.js'
import { Liker, LikeState } from './views.js'

export function likesRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const likes = new LikesService(ctx)
  return async (app) => {
    app.put(
      '/posts/:id/like',
      {
        schema: {
          tags: ['likes'],
          summary: 'Like a post (idempotent)',
          security: bearer,
          params: IdParams,
          response: { 200: LikeState, ...errors(400, 401, 404) },
        },
      },
      async (req) => likes.like(requireUser(req).userId, req.params.id),
    )

    app.delete(
      '/posts/:id/like',
      {
        schema: {
          tags: ['likes'],
          summary: 'Unlike a post (idempotent)',
          security: bearer,
          params: IdParams,
          response: { 200: LikeState, ...errors(400, 401, 404) },
        },
      },
      async (req) => likes.unlike(requireUser(req).userId, req.params.id),
    )

    app.get(
      '/posts/:id/likes',
      {
        schema: {
          tags: ['likes'],
          summary: 'Users who liked a post, newest first',
          params: IdParams,
          querystring: Type.Object(PageQuery, { additionalProperties: false }),
          response: { 200: Page(Liker), ...errors(400, 404) },
        },
      },
      async (req) => likes.likers(req.params.id, req.auth?.userId, req.query.limit, req.query.cursor),
    )
  }
}
