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
          description:
            'grouped=true: the bell. Likes of one post, comments on one post and follows of one UTC day are one group each (mentions and follow requests one per notification); messages are left out (the Messages badge counts them). A group is unread while any of its notifications is. Its cursor keeps the grouping of the first page, so new notifications never move a group between pages.',
          querystring: Type.Object(
            {
              unread: Type.Boolean({ default: false, description: 'Only unread ones (grouped: groups with an unread notification).' }),
              grouped: Type.Boolean({ default: false, description: 'Groups instead of single notifications.' }),
              ...PageQuery,
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Union([Page(Notification), Page(Type.Ref('NotificationGroup'))]), ...errors(400, 401) },
        },
      },
      async (req) => {
        const opts = { unreadOnly: req.query.unread, limit: req.query.limit, cursor: req.query.cursor }
        const userId = requireUser(req).userId
        return req.query.grouped ? notifications.listGrouped(userId, opts) : notifications.list(userId, opts)
      },
    )

    app.get(
      '/notifications/unread-count',
      {
        schema: {
          tags: ['notifications'],
          summary: 'How many notifications the caller has not read',
          description: 'grouped=true: the bell’s badge, the groups with an unread notification (messages left out).',
          security: bearer,
          querystring: Type.Object({ grouped: Type.Boolean({ default: false }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ count: Type.Integer({ minimum: 0 }) }), ...errors(400, 401) },
        },
      },
      async (req) => notifications.unreadCount(requireUser(req).userId, req.query.grouped),
    )

    app.post(
      '/notifications/:id/read',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Mark one notification read (group=true: the group it heads, as listed by grouped=true)',
          security: bearer,
          params: IdParams,
          querystring: Type.Object({ group: Type.Boolean({ default: false }) }, { additionalProperties: false }),
          response: { 204: Type.Null(), ...errors(400, 401, 404) },
        },
      },
      async (req, reply) => {
        const userId = requireUser(req).userId
        if (req.query.group) await notifications.markGroupRead(userId, req.params.id)
        else await notifications.markRead(userId, req.params.id)
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
