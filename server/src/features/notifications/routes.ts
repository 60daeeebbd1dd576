import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, IdParams } from '../../http/schemas.js'
import { NotificationsService } from './service.js'
import { Notification } from './views.js'

export function notificationsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const notifications = new NotificationsService(ctx)
  return async (app) => {
    app.get(
      '/notifications',
      {
        schema: {
          tags: ['notifications'],
          summary: 'The caller’s notifications, newest first',
          security: bearer,
          querystring: Type.Object(
            { unread: Type.Boolean({ default: false, description: 'Only unread ones.' }), ...PageQuery },
            { additionalProperties: false },
          ),
          response: { 200: Page(Notification), ...errors(400, 401) },
        },
      },
      async (req) =>
        notifications.list(requireUser(req).userId, { unreadOnly: req.query.unread, limit: req.query.limit, cursor: req.query.cursor }),
    )

    app.get(
      '/notifications/unread-count',
      {
        schema: {
          tags: ['notifications'],
          summary: 'How many notifications the caller has not read',
          security: bearer,
          response: { 200: Type.Object({ count: Type.Integer({ minimum: 0 }) }), ...errors(401) },
        },
      },
      async (req) => notifications.unreadCount(requireUser(req).userId),
    )

    app.post(
      '/notifications/:id/read',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Mark one notification read',
          security: bearer,
          params: IdParams,
          response: { 204: Type.Null(), ...errors(400, 401, 404) },
        },
      },
      async (req, reply) => {
        await notifications.markRead(requireUser(req).userId, req.params.id)
        return reply.code(204).send(null)
      },
    )

    app.post(
      '/notifications/read-all',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Mark every notification read',
          security: bearer,
          response: { 200: Type.Object({ markedRead: Type.Integer({ minimum: 0 }) }), ...errors(401) },
        },
      },
      async (req) => notifications.markAllRead(requireUser(req).userId),
    )
  }
}
