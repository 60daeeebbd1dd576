import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { bearer, errors, Nullable, Timestamp } from '../../http/schemas.js'
import { PASSWORD_MAX } from './passwords.js'
import { AuthResponse, clientInfo, setRefreshCookie } from './routes.js'
import type { AuthService } from './service.js'
import { CHALLENGE_TTL_SECONDS, RECOVERY_CODE_COUNT } from './two-factor-crypto.js'
import { CHALLENGE_FAILURES_MAX, TwoFactor } from './two-factor.js'

const Code = Type.String({ minLength: 1, maxLength: 20, description: 'The 6-digit code the authenticator app shows now.' })
const RecoveryCode = Type.String({ minLength: 1, maxLength: 40, description: 'One of the recovery codes (`xxxx-xxxx-xxxx`); works once.' })

const TwoFactorStatus = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Password sign-ins ask for a code.' }),
    pending: Type.Boolean({ description: 'A setup was started and awaits its first code.' }),
    enabledAt: Nullable(Timestamp),
    recoveryCodesRemaining: Type.Integer({ description: `Unused recovery codes (${RECOVERY_CODE_COUNT} when enabled).` }),
  },
  { $id: 'TwoFactorStatus' },
)

export function twoFactorRoutes(ctx: AppContext, { auth }: { auth: AuthService }): FastifyPluginAsyncTypebox {
  const twoFactor = new TwoFactor(ctx, auth)
  // Per IP, as sign-in is; wrong codes are also counted per account and per challenge (the service).
  const codeLimit = {
    rateLimit: {
      max: ctx.config.rateLimit.authMax,
      timeWindow: ctx.config.rateLimit.windowSeconds * 1000,
      keyGenerator: (r: FastifyRequest) => `auth:${r.ip}`,
    },
  }

  return async (app) => {
    app.get(
      '/auth/2fa',
      {
        schema: {
          tags: ['auth'],
          summary: 'Whether two-factor sign-in is on, and how many recovery codes remain',
          security: bearer,
          response: { 200: TwoFactorStatus, ...errors(401) },
        },
      },
      async (req) => twoFactor.status(requireUser(req).userId),
    )

    app.post(
      '/auth/2fa/totp/setup',
      {
        config: codeLimit,
        schema: {
          tags: ['auth'],
          summary: 'Start setting up an authenticator app',
          description:
            'Returns a new secret and its `otpauth://` URI (for a QR code). Nothing changes until `POST /auth/2fa/totp/enable` receives a code made from it; a new setup replaces a pending one. The secret is never shown again. 409 `two_factor_already_enabled` when 2FA is on.',
          security: bearer,
          response: {
            200: Type.Object({ secret: Type.String({ description: 'Base32, for manual entry.' }), otpauthUri: Type.String() }),
            ...errors(401, 409, 429),
          },
        },
      },
      async (req) => twoFactor.setup(requireUser(req).userId),
    )

    app.post(
      '/auth/2fa/totp/enable',
      {
        config: codeLimit,
        schema: {
          tags: ['auth'],
          summary: 'Turn two-factor sign-in on with a first code from the app',
          description: `Returns ${RECOVERY_CODE_COUNT} single-use recovery codes, shown this once. 400 \`invalid_code\`; 409 \`two_factor_not_set_up\` or \`two_factor_already_enabled\`. Sessions already open stay open.`,
          security: bearer,
          body: Type.Object({ code: Code }, { additionalProperties: false }),
          response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errors(400, 401, 409, 429) },
        },
      },
      async (req) => twoFactor.enable(requireUser(req).userId, req.body.code, clientInfo(req)),
    )

    app.delete(
      '/auth/2fa/totp',
      {
        config: codeLimit,
        schema: {
          tags: ['auth'],
          summary: 'Turn two-factor sign-in off',
          description:
            'Needs the password (accounts that have one) and a current code or an unused recovery code. 403 `invalid_current_password`; 400 `invalid_code` or `code_already_used`; 409 `two_factor_not_enabled`.',
          security: bearer,
          body: Type.Object(
            {
              password: Type.Optional(Type.String({ minLength: 1, maxLength: PASSWORD_MAX * 4 })),
              code: Type.Optional(Code),
              recoveryCode: Type.Optional(RecoveryCode),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), ...errors(400, 401, 403, 409, 429) },
        },
      },
      async (req, reply) => {
        await twoFactor.disable(requireUser(req).userId, req.body, clientInfo(req))
        return reply.code(204).send(null)
      },
    )

    app.post(
      '/auth/login/2fa',
      {
        config: codeLimit,
        schema: {
          tags: ['auth'],
          summary: 'Finish a password sign-in with a code from the app or a recovery code',
          description: `\`challenge\` is the one from \`POST /auth/login\`'s 401 \`two_factor_required\`; it lasts ${CHALLENGE_TTL_SECONDS / 60} minutes, starts one session, and dies after ${CHALLENGE_FAILURES_MAX} wrong codes. 401 \`invalid_code\`, \`code_already_used\` (each code works once), \`challenge_expired\`; 429 when the account's allowance of wrong codes is spent.`,
          body: Type.Object(
            {
              challenge: Type.String({ minLength: 1, maxLength: 200 }),
              code: Type.Optional(Code),
              recoveryCode: Type.Optional(RecoveryCode),
            },
            { additionalProperties: false },
          ),
          response: { 200: AuthResponse, ...errors(400, 401, 403, 429) },
        },
      },
      async (req, reply) => {
        const result = await twoFactor.completeSignIn(req.body, clientInfo(req))
        setRefreshCookie(reply, ctx, result.refreshToken)
        return reply.send(result)
      },
    )
  }
}
