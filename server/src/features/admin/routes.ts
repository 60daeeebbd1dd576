import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireAdmin } from '../../http/auth.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, Id, IdParams } from '../../http/schemas.js'
import type { AuthService, SessionCache } from '../auth/index.js'
import { DeletionService } from '../deletion/index.js'
import type { MailOutbox } from '../../platform/mail/index.js'
import { ReportStatus, TargetType } from '../reports/index.js'
import { statsRoutes } from '../stats/index.js'
import type { UserCache } from '../users/index.js'
import { listAuditEntries } from './audit.js'
import { AdminReportsService } from './reports-service.js'
import { AdminUsersService } from './users-service.js'
import { AdminReport, AdminUser, AuditEntry, Role } from './views.js'

const tags = ['admin']
const ReportAction = Type.Union([Type.Literal('none'), Type.Literal('delete_content'), Type.Literal('block_user')], {
  description:
    '`delete_content` soft-deletes the reported post or comment; `block_user` blocks the reported user or the author of the reported content.',
})

/**
 * Everything under /admin. One hook refuses anonymous callers (401) and non-admins (403) for
 * every route registered here, before validation, so non-admins learn nothing of the shapes.
 */
export function adminRoutes(
  ctx: AppContext,
  services: { auth: AuthService; users: UserCache; sessions: SessionCache; mailOutbox: MailOutbox },
): FastifyPluginAsyncTypebox {
  const reports = new AdminReportsService(ctx, services.auth)
  const users = new AdminUsersService(ctx, services.auth, services, new DeletionService(ctx, services))
  return async (app) => {
    app.addHook('onRequest', async (req) => {
      requireAdmin(req)
    })

    app.get(
      '/reports',
      {
        schema: {
          tags,
          summary: 'The moderation queue, newest first',
          description:
            'Each report with its target (content shown also when since deleted, flagged), the target’s user, the reporter, and how many other reports the target has.',
          security: bearer,
          querystring: Type.Object(
            { status: Type.Optional(ReportStatus), targetType: Type.Optional(TargetType), ...PageQuery },
            { additionalProperties: false },
          ),
          response: { 200: Page(AdminReport), ...errors(400, 401, 403) },
        },
      },
      async (req) => reports.list(req.query),
    )

    app.patch(
      '/reports/:id',
      {
        schema: {
          tags,
          summary: 'Review, resolve or dismiss a report, optionally acting on it',
          description:
            'pending → reviewed → resolved | dismissed, or pending → resolved | dismissed; anything else is 409 `illegal_transition`. An action other than `none` needs status `resolved` and also resolves the target’s other open reports. Everything happens in one transaction and is written to the audit log.',
          security: bearer,
          params: IdParams,
          body: Type.Object(
            {
              status: Type.Union([Type.Literal('reviewed'), Type.Literal('resolved'), Type.Literal('dismissed'), Type.Literal('pending')]),
              action: Type.Optional(ReportAction),
            },
            { additionalProperties: false },
          ),
          response: { 200: AdminReport, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => reports.decide(requireAdmin(req).userId, req.params.id, req.body),
    )

    app.get(
      '/users',
      {
        schema: {
          tags,
          summary: 'Users, newest first',
          description: '`q` matches a prefix of the username, display name or email, in any case.',
          security: bearer,
          querystring: Type.Object(
            {
              q: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
              blocked: Type.Optional(Type.Boolean()),
              role: Type.Optional(Role),
              ...PageQuery,
            },
            { additionalProperties: false },
          ),
          response: { 200: Page(AdminUser), ...errors(400, 401, 403) },
        },
      },
      async (req) => users.list(req.query),
    )

    app.get(
      '/users/:id',
      {
        schema: {
          tags,
          summary: 'One user, as admins see them',
          security: bearer,
          params: IdParams,
          response: { 200: AdminUser, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => users.get(req.params.id),
    )

    app.post(
      '/users/:id/block',
      {
        schema: {
          tags,
          summary: 'Block a user',
          description:
            'Sets is_blocked and ends every session of the user at once (their open connections close). Idempotent. You cannot block yourself (409 `cannot_block_self`) nor the last administrator (409 `last_admin`).',
          security: bearer,
          params: IdParams,
          response: { 200: AdminUser, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => users.block(requireAdmin(req).userId, req.params.id),
    )

    app.post(
      '/users/:id/unblock',
      {
        schema: {
          tags,
          summary: 'Unblock a user (they sign in again)',
          security: bearer,
          params: IdParams,
          response: { 200: AdminUser, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => users.unblock(requireAdmin(req).userId, req.params.id),
    )

    app.patch(
      '/users/:id',
      {
        schema: {
          tags,
          summary: 'Change a user’s role',
          description:
            'Takes effect on the user’s open sessions at once. You cannot demote yourself (409 `cannot_demote_self`); the last administrator cannot be demoted (409 `last_admin`).',
          security: bearer,
          params: IdParams,
          body: Type.Object({ role: Role }, { additionalProperties: false }),
          response: { 200: AdminUser, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => users.setRole(requireAdmin(req).userId, req.params.id, req.body.role),
    )

    app.delete(
      '/users/:id',
      {
        schema: {
          tags,
          summary: 'Delete a user’s account (e.g. a legal request)',
          description:
            'As the owner’s own deletion (DELETE /users/me): hidden and signed out at once, purged after ACCOUNT_DELETION_GRACE_DAYS; written to the audit log (`user.delete`). The owner cannot cancel it. 409 `account_deletion_pending` or `account_already_deleted` when it is already under way or done, `cannot_delete_self`, `last_admin`.',
          security: bearer,
          params: IdParams,
          response: { 202: Type.Object({ scheduledFor: Type.String({ format: 'date-time' }) }), ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req, reply) => {
        reply.code(202)
        return users.delete(requireAdmin(req).userId, req.params.id)
      },
    )

    app.get(
      '/audit',
      {
        schema: {
          tags,
          summary: 'The audit log of admin actions, newest first',
          security: bearer,
          querystring: Type.Object(
            {
              actorId: Type.Optional(Id),
              targetType: Type.Optional(Type.Enum(['user', 'post', 'comment', 'report'])),
              targetId: Type.Optional(Id),
              ...PageQuery,
            },
            { additionalProperties: false },
          ),
          response: { 200: Page(AuditEntry), ...errors(400, 401, 403) },
        },
      },
      async (req) => listAuditEntries(ctx.database.db, req.query),
    )

    await app.register(statsRoutes(ctx))
  }
}
