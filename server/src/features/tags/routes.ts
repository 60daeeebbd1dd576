import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors } from '../../http/schemas.js'
import { Post } from '../posts/index.js'
import { TagsService } from './service.js'
import { Tag, TagFollowState, TrendingList } from './views.js'

const NameParams = Type.Object({
  name: Type.String({
    minLength: 1,
    maxLength: 400,
    description: 'The tag without `#`, in any case or Unicode form (`Café` and `CAFÉ` name one tag). A name that cannot be a tag is 404.',
  }),
})

export function tagsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const tags = new TagsService(ctx)
  return async (app) => {
    app.get(
      '/tags/trending',
      {
        schema: {
          tags: ['tags'],
          summary: 'Hashtags by distinct people using them recently',
          description:
            '`window=day`: the last 24 hours; `week`: the last 7 days (hourly buckets, the current hour included). Only posts everyone may see ' +
            'count (public accounts, not suspended; deleted posts leave at once). Shared by everyone and refreshed every minute.',
          querystring: Type.Object(
            {
              window: Type.Union([Type.Literal('day'), Type.Literal('week')], { default: 'day' }),
              limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: TrendingList, ...errors(400) },
        },
      },
      async (req) => tags.trending(req.query.window, req.query.limit),
    )

    app.get(
      '/tags/:name',
      {
        schema: {
          tags: ['tags'],
          summary: 'A hashtag: its live post count and whether the caller follows it',
          params: NameParams,
          response: { 200: Tag, ...errors(401, 404) },
        },
      },
      async (req) => tags.show(req.params.name, req.auth?.userId),
    )

    app.get(
      '/tags/:name/posts',
      {
        schema: {
          tags: ['tags'],
          summary: 'Posts carrying a hashtag, newest first',
          description:
            'Only posts the caller may see (blocks either way, private accounts not followed, suspended authors), without muted authors.',
          params: NameParams,
          querystring: Type.Object(PageQuery, { additionalProperties: false }),
          response: { 200: Page(Post), ...errors(400, 401, 404) },
        },
      },
      async (req) => tags.posts(req.params.name, req.auth?.userId, req.query.limit, req.query.cursor),
    )

    app.put(
      '/tags/:name/follow',
      {
        schema: {
          tags: ['tags'],
          summary: 'Follow a hashtag (idempotent): its posts join the caller’s home feed',
          security: bearer,
          params: NameParams,
          response: { 200: TagFollowState, ...errors(401, 404) },
        },
      },
      async (req) => tags.follow(requireUser(req).userId, req.params.name),
    )

    app.delete(
      '/tags/:name/follow',
      {
        schema: {
          tags: ['tags'],
          summary: 'Unfollow a hashtag (idempotent)',
          security: bearer,
          params: NameParams,
          response: { 200: TagFollowState, ...errors(401, 404) },
        },
      },
      async (req) => tags.unfollow(requireUser(req).userId, req.params.name),
    )
  }
}
