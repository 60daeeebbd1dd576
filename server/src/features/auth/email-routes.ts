import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { bearer, errors } from '../../http/schemas.js'
import { Email } from '../users/schemas.js'
import { EmailFlows } from './email-flows.js'
import { PASSWORD_MAX } from './passwords.js'
import type { AuthService } from './service.js'

const Token = Type.String({ minLength: 1, maxLength: 200, description: 'The `token` parameter of the mailed link.' })
const Accepted = Type.Object({ message: Type.String() })
const FORGOT_ACCEPTED = { message: 'If an account uses this address, a link to reset its password is on its way.' }

export function emailRoutes(ctx: AppContext, auth: AuthService): FastifyPluginAsyncTypebox {
  const flows = new EmailFlows(ctx, auth)
  // Per IP, on top of the per-address limit in the service: mail is the expensive side effect here.
  const ipLimit = {
    rateLimit: { max: ctx.config.rateLimit.authMax, timeWindow: ctx.config.rateLimit.windowSeconds * 1000, keyGenerator: (r: FastifyRequest) => `mail:${r.ip}` },
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
  }
}
