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
  const ExploreQuery = Type.Object(
    {
      ...PageQuery,
      sort: Type.Union([Type.Literal('ranked'), Type.Literal('recent')], {
        default: 'ranked',
        description: 'ranked: by engagement with time decay; recent: newest first. A cursor belongs to the sort that made it.',
      }),
    },
    { additionalProperties: false },
  )
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
          summary: 'Everyone’s recent public posts, ranked by engagement with time decay (or newest first with sort=recent)',
          description:
            'Ranked (the default): a snapshot of the best recent posts (distinct people liking or commenting, decayed by age, at most a few per author), recomputed at most once a minute; its cursor stays on the same snapshot so no post shows twice, then newest first after it. sort=recent: newest first.',
          querystring: ExploreQuery,
          response: { 200: Page(Post), ...errors(400) },
        },
      },
      async (req) => feed.explore(req.auth?.userId, req.query.limit, req.query.cursor, req.query.sort),
    )
  }
}
