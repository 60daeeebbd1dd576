import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { bearer, errors, Timestamp } from '../../http/schemas.js'
import { DeletionService, type DeletionDeps } from './service.js'

const tags = ['users']

export function deletionRoutes(ctx: AppContext, deps: DeletionDeps): FastifyPluginAsyncTypebox {
  const deletion = new DeletionService(ctx, deps)
  return async (app) => {
    app.delete(
      '/users/me',
      {
        schema: {
          tags,
          summary: 'Delete the caller’s account',
          description:
            'Needs the current password; an account without one (Google/GitHub only) needs a sign-in within the last 15 minutes instead (403 `reauthentication_required`). At once: every session ends, the profile and everything the account wrote disappear for everyone, it leaves follower and following lists, and mail waiting for it is dropped. After ACCOUNT_DELETION_GRACE_DAYS (`scheduledFor`) a background job purges it; until then signing in answers 403 `account_pending_deletion` with a `cancelToken` for POST /users/me/deletion/cancel. A wrong password is 403 `invalid_current_password`; the last administrator cannot leave (409 `last_admin`).',
          security: bearer,
          body: Type.Object({ password: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })) }, { additionalProperties: false }),
          response: { 202: Type.Object({ scheduledFor: Timestamp }), ...errors(400, 401, 403, 409, 429) },
        },
      },
      async (req, reply) => {
        reply.code(202)
        return deletion.requestOwn(requireUser(req), req.body.password)
      },
    )

    app.post(
      '/users/me/deletion/cancel',
      {
        schema: {
          tags,
          summary: 'Cancel the deletion of one’s account during its grace period',
          description:
            'With the `cancelToken` of a sign-in refused with 403 `account_pending_deletion` (single use, valid 15 minutes); no other credential. The account comes back as it was, except its follows, which ended with the request. Then sign in as usual. An unknown, used or expired token is 400 `cancel_token_invalid`; an account an administrator deleted cannot be restored this way.',
          body: Type.Object({ cancelToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ cancelled: Type.Literal(true) }), ...errors(400, 404, 409, 429) },
        },
      },
      async (req) => deletion.cancel(req.body.cancelToken),
    )
  }
}
