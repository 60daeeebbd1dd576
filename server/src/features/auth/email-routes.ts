import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { bearer, errors } from '../../http/schemas.js'
import { Email } from '../users/index.js'
import { CHANGE_TTL_SECONDS, EmailFlows, RECENT_SIGN_IN_SECONDS } from './email-flows.js'
import { PASSWORD_MAX } from './passwords.js'
import type { AuthDeps, AuthService } from './service.js'

const Token = Type.String({ minLength: 1, maxLength: 200, description: 'The `token` parameter of the mailed link.' })
const Accepted = Type.Object({ message: Type.String() })
const FORGOT_ACCEPTED = { message: 'If an account uses this address, a link to reset its password is on its way.' }

export function emailRoutes(
  ctx: AppContext,
  services: { auth: AuthService } & Pick<AuthDeps, 'users' | 'mailOutbox'>,
): FastifyPluginAsyncTypebox {
  const flows = new EmailFlows(ctx, services.auth, services)
  // Per IP, on top of the per-address limit in the service: mail is the expensive side effect here.
  const ipLimit = {
    rateLimit: {
      max: ctx.config.rateLimit.authMax,
      timeWindow: ctx.config.rateLimit.windowSeconds * 1000,
      keyGenerator: (r: FastifyRequest) => `mail:${r.ip}`,
    },
  }

  return async (app) => {
    app.post(
      '/auth/email/verify-request',
      {
        config: ipLimit,
        schema: {
          tags: ['auth'],
          summary: 'Mail the caller a link that confirms their email address',
          description: 'The link (`PUBLIC_URL/verify-email?token=…`) works once, for 24 hours.',
          security: bearer,
          response: { 202: Type.Null(), ...errors(401, 409, 429) },
        },
      },
      async (req, reply) => {
        await flows.requestVerification(requireUser(req).userId)
        return reply.code(202).send(null)
      },
    )

    app.post(
      '/auth/email/verify',
      {
        config: ipLimit,
        schema: {
          tags: ['auth'],
          summary: 'Confirm an email address with the token from the mailed link',
          body: Type.Object({ token: Token }, { additionalProperties: false }),
          response: { 204: Type.Null(), ...errors(400, 429) },
        },
      },
      async (req, reply) => {
        await flows.verifyEmail(req.body.token)
        return reply.code(204).send(null)
      },
    )

    app.post(
      '/auth/password/forgot',
      {
        config: ipLimit,
        schema: {
          tags: ['auth'],
          summary: 'Mail a password reset link',
          description:
            'Always 202 with the same body, whether or not an account uses the address; the link (`PUBLIC_URL/reset-password?token=…`) works once, for 30 minutes.',
          body: Type.Object({ email: Email }, { additionalProperties: false }),
          response: { 202: Accepted, ...errors(400, 429) },
        },
      },
      async (req, reply) => {
        await flows.forgotPassword(req.body.email)
        return reply.code(202).send(FORGOT_ACCEPTED)
      },
    )

    app.post(
      '/auth/password/reset',
      {
        config: ipLimit,
        schema: {
          tags: ['auth'],
          summary: 'Set a new password with the token from the mailed link',
          description: 'Confirms the email address and ends every session of the account.',
          body: Type.Object(
            { token: Token, newPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX * 4 }) },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), ...errors(400, 429) },
        },
      },
      async (req, reply) => {
        await flows.resetPassword(req.body)
        return reply.code(204).send(null)
      },
    )
    app.post(
      '/auth/email/change',
      {
        config: ipLimit,
        schema: {
          tags: ['auth'],
          summary: 'Ask to move the account to a new email address',
          description: [
            `Mails a link (\`PUBLIC_URL/confirm-email?token=…\`, single use, ${CHANGE_TTL_SECONDS / 3600} hours) to the new address and a notice to the current one;`,
            'the address changes only when the link is used (`POST /auth/email/change/confirm`). A newer request retires older links.',
            'Re-authentication: `password` is required when the account has a password (403 `invalid_current_password` when wrong,',
            'failures rate limited per account together with password changes); an account without one must have signed in within',
            `the last ${RECENT_SIGN_IN_SECONDS / 60} minutes (403 \`reauthentication_required\`: sign in again, then retry).`,
            'Refusals: 400 `email_unchanged` (already the address), 409 `email_taken` (another account uses it), 429 (5 per new address per hour, and per IP).',
          ].join(' '),
          security: bearer,
          body: Type.Object(
            {
              email: { ...Email, description: 'The new address; stored lower-cased.' },
              password: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: PASSWORD_MAX * 4,
                  description: 'The current password; required when the account has one.',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 202: Type.Null(), ...errors(400, 401, 403, 409, 429) },
        },
      },
      async (req, reply) => {
        const auth = requireUser(req)
        await flows.requestEmailChange(auth, req.body)
        return reply.code(202).send(null)
      },
    )

    app.post(
      '/auth/email/change/confirm',
      {
        config: ipLimit,
        schema: {
          tags: ['auth'],
          summary: 'Move the account to the new address with the token from the mailed link',
          description:
            "The new address becomes the account's, proven (`emailVerified: true`); sign-in by email uses it from now on. Links mailed earlier (verification, password reset, older changes) stop working. 400 `token_invalid` for an unknown, expired or used link; 409 `email_taken` when another account took the address meanwhile (the link stays usable).",
          body: Type.Object({ token: Token }, { additionalProperties: false }),
          response: { 204: Type.Null(), ...errors(400, 409, 429) },
        },
      },
      async (req, reply) => {
        await flows.confirmEmailChange(req.body.token)
        return reply.code(204).send(null)
      },
    )
  }
}
