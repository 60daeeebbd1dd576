import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, IdParams, Nullable } from '../../http/schemas.js'
import { Bio, DisplayName, Username } from './schemas.js'
import { UsersService } from './service.js'
import type { UserCache } from './user-cache.js'
import { Me, PublicProfile, UserSummary } from './views.js'

export function usersRoutes(ctx: AppContext, services: { users: UserCache }): FastifyPluginAsyncTypebox {
  const users = new UsersService(ctx, services.users)
  return async (app) => {
    app.get(
      '/users/me',
      {
        schema: { tags: ['users'], summary: 'The caller, with private fields', security: bearer, response: { 200: Me, ...errors(401) } },
      },
      async (req) => users.me(requireUser(req).userId),
    )

    app.patch(
      '/users/me',
      {
        schema: {
          tags: ['users'],
          summary: 'Edit the caller’s profile',
          security: bearer,
          body: Type.Object(
            {
              displayName: Type.Optional(Nullable(DisplayName)),
              bio: Type.Optional(Nullable(Bio)),
              username: Type.Optional(Username),
              isPrivate: Type.Optional(
                Type.Boolean({ description: 'Private: following needs your approval. Turning it off accepts every pending request.' }),
              ),
              allowMessagesFrom: Type.Optional(
                Type.Union([Type.Literal('everyone'), Type.Literal('following')], {
                  description: 'Who may start a conversation with you: everyone, or only accounts you follow.',
                }),
              ),
              showSensitiveMedia: Type.Optional(
                Type.Boolean({ description: 'Show the photos of posts marked sensitive without hiding them first.' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: Me, ...errors(400, 401, 409) },
        },
      },
      async (req) => users.updateMe(requireUser(req).userId, req.body),
    )

    app.get(
      '/users/lookup',
      {
        schema: {
          tags: ['users'],
          summary: 'A public profile by username',
          querystring: Type.Object({ username: Type.String({ minLength: 1, maxLength: 50 }) }, { additionalProperties: false }),
          response: { 200: PublicProfile, ...errors(400, 404) },
        },
      },
      async (req) => users.profileByUsername(req.query.username, req.auth?.userId),
    )

    app.get(
      '/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'A public profile',
          params: IdParams,
          response: { 200: PublicProfile, ...errors(400, 404) },
        },
      },
      async (req) => users.profileById(req.params.id, req.auth?.userId),
    )

    app.get(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Search users by username or display-name prefix',
          querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 100 }), ...PageQuery }, { additionalProperties: false }),
          response: { 200: Page(UserSummary), ...errors(400) },
        },
      },
      async (req) => users.search(req.query.q, req.auth?.userId, req.query.limit, req.query.cursor),
    )
  }
}
