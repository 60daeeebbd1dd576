import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, IdParams } from '../../http/schemas.js'
import { FollowsService } from './service.js'
import { FollowListUser, FollowState } from './views.js'

export function followsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const follows = new FollowsService(ctx)
  const ListQuery = Type.Object(PageQuery, { additionalProperties: false })
  return async (app) => {
    app.put(
      '/users/:id/follow',
      {
        schema: {
          tags: ['follows'],
          summary: 'Follow a user (idempotent)',
          security: bearer,
          params: IdParams,
          response: { 200: FollowState, ...errors(400, 401, 404) },
        },
      },
      async (req) => follows.follow(requireUser(req).userId, req.params.id),
    )

    app.delete(
      '/users/:id/follow',
      {
        schema: {
          tags: ['follows'],
          summary: 'Unfollow a user (idempotent)',
          security: bearer,
          params: IdParams,
          response: { 200: FollowState, ...errors(400, 401, 404) },
        },
      },
      async (req) => follows.unfollow(requireUser(req).userId, req.params.id),
    )

    app.get(
      '/users/:id/followers',
      {
        schema: {
          tags: ['follows'],
          summary: 'Who follows this user, newest first',
          params: IdParams,
          querystring: ListQuery,
          response: { 200: Page(FollowListUser), ...errors(400, 404) },
        },
      },
      async (req) => follows.followers(req.params.id, req.auth?.userId, req.query.limit, req.query.cursor),
    )

    app.get(
      '/users/:id/following',
      {
        schema: {
          tags: ['follows'],
          summary: 'Whom this user follows, newest first',
          params: IdParams,
          querystring: ListQuery,
          response: { 200: Page(FollowListUser), ...errors(400, 404) },
        },
      },
      async (req) => follows.following(req.params.id, req.auth?.userId, req.query.limit, req.query.cursor),
    )
  }
}
