import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors } from '../../http/schemas.js'
import { Post } from '../posts/index.js'
import { FeedService } from './service.js'

export function feedRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const feed = new FeedService(ctx)
  const FeedQuery = Type.Object(PageQuery, { additionalProperties: false })
  return async (app) => {
    app.get(
      '/feed',
      {
        schema: {
          tags: ['feed'],
          summary: 'Home feed: posts of followed accounts and the caller’s own, newest first',
          security: bearer,
          querystring: FeedQuery,
          response: { 200: Page(Post), ...errors(400, 401) },
        },
      },
      async (req) => feed.home(requireUser(req).userId, req.query.limit, req.query.cursor),
    )

    app.get(
      '/feed/explore',
      {
        schema: {
          tags: ['feed'],
          summary: 'Recent posts of everyone, newest first',
          querystring: FeedQuery,
          response: { 200: Page(Post), ...errors(400) },
        },
      },
      async (req) => feed.explore(req.auth?.userId, req.query.limit, req.query.cursor),
    )
  }
}
