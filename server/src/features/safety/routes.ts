import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import type { UserCache } from '../users/index.js'
import { requireUser } from '../../http/auth.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, IdParams } from '../../http/schemas.js'
import { SafetyService } from './service.js'
import { ListedUser, Relationship } from './views.js'

export function safetyRoutes(ctx: AppContext, services: { users: UserCache }): FastifyPluginAsyncTypebox {
  const safety = new SafetyService(ctx, services.users)
  const ListQuery = Type.Object(PageQuery, { additionalProperties: false })
  return async (app) => {
    for (const [action, undo, tag] of [
      ['block', 'unblock', 'Block'],
      ['mute', 'unmute', 'Mute'],
    ] as const) {
      app.put(
        `/users/:id/${action}`,
        {
          schema: {
            tags: ['safety'],
            summary:
              action === 'block'
                ? 'Block a user (idempotent): both ways, follows and requests end, their likes and comments leave your posts'
                : 'Mute a user (idempotent): their posts leave your home feed and explore, their actions stop notifying you',
            security: bearer,
            params: IdParams,
            response: { 204: Type.Null(), ...errors(400, 401, 404) },
          },
        },
        async (req, reply) => {
          await safety[action](requireUser(req).userId, req.params.id)
          return reply.code(204).send(null)
        },
      )
      app.delete(
        `/users/:id/${action}`,
        {
          schema: {
            tags: ['safety'],
            summary: `${tag === 'Block' ? 'Unblock' : 'Unmute'} a user (idempotent)`,
            security: bearer,
            params: IdParams,
            response: { 204: Type.Null(), ...errors(400, 401, 404) },
          },
        },
        async (req, reply) => {
          await safety[undo](requireUser(req).userId, req.params.id)
          return reply.code(204).send(null)
        },
      )
    }

    app.get(
      '/blocks',
      {
        schema: {
          tags: ['safety'],
          summary: 'Users the caller blocks, newest first',
          security: bearer,
          querystring: ListQuery,
          response: { 200: Page(ListedUser), ...errors(400, 401) },
        },
      },
      async (req) => safety.blocks(requireUser(req).userId, req.query.limit, req.query.cursor),
    )

    app.get(
      '/mutes',
      {
        schema: {
          tags: ['safety'],
          summary: 'Users the caller mutes, newest first',
          security: bearer,
          querystring: ListQuery,
          response: { 200: Page(ListedUser), ...errors(400, 401) },
        },
      },
      async (req) => safety.mutes(requireUser(req).userId, req.query.limit, req.query.cursor),
    )

    app.get(
      '/users/:id/relationship',
      {
        schema: {
          tags: ['safety'],
          summary: 'The caller’s relationship with a user',
          security: bearer,
          params: IdParams,
          response: { 200: Relationship, ...errors(400, 401, 404) },
        },
      },
      async (req) => safety.relationship(requireUser(req).userId, req.params.id),
    )
  }
}
