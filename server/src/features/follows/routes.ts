import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import type { UserCache } from '../users/index.js'
import { requireUser } from '../../http/auth.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, Id, IdParams } from '../../http/schemas.js'
import { FollowsService } from './service.js'
import { FollowListUser, FollowRequester, FollowState } from './views.js'

export function followsRoutes(ctx: AppContext, services: { users: UserCache }): FastifyPluginAsyncTypebox {
  const follows = new FollowsService(ctx, services.users)
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
          description: 'A private account gets a follow request instead: 202 with `state: "requested"`.',
          response: { 200: FollowState, 202: FollowState, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const result = await follows.follow(requireUser(req).userId, req.params.id)
        return reply.code(result.state === 'requested' ? 202 : 200).send(result)
      },
    )

    app.delete(
      '/users/:id/follow',
      {
        schema: {
          tags: ['follows'],
          summary: 'Unfollow a user, or withdraw a follow request (idempotent)',
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
          response: { 200: Page(FollowListUser), ...errors(400, 403, 404) },
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
          response: { 200: Page(FollowListUser), ...errors(400, 403, 404) },
        },
      },
      async (req) => follows.following(req.params.id, req.auth?.userId, req.query.limit, req.query.cursor),
    )

    app.get(
      '/follow-requests',
      {
        schema: {
          tags: ['follows'],
          summary: 'People asking to follow the caller, newest first',
          security: bearer,
          querystring: ListQuery,
          response: { 200: Page(FollowRequester), ...errors(400, 401) },
        },
      },
      async (req) => follows.requests(requireUser(req).userId, req.query.limit, req.query.cursor),
    )

    app.get(
      '/follow-requests/count',
      {
        schema: {
          tags: ['follows'],
          summary: 'How many people ask to follow the caller (the badge of the requests screen)',
          security: bearer,
          response: { 200: Type.Object({ count: Type.Integer() }), ...errors(401) },
        },
      },
      async (req) => follows.requestCount(requireUser(req).userId),
    )

    for (const action of ['accept', 'reject'] as const) {
      app.post(
        `/follow-requests/:userId/${action}`,
        {
          schema: {
            tags: ['follows'],
            summary: action === 'accept' ? 'Accept a follow request: the requester now follows you' : 'Reject a follow request',
            security: bearer,
            params: Type.Object({ userId: Id }),
            response: { 204: Type.Null(), ...errors(400, 401, 404) },
          },
        },
        async (req, reply) => {
          await follows[action](requireUser(req).userId, req.params.userId)
          return reply.code(204).send(null)
        },
      )
    }
  }
}
