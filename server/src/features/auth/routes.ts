import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { unauthorized } from '../../http/errors.js'
import { bearer, errors, Id, IdParams, Timestamp, Nullable, Problem } from '../../http/schemas.js'
import { DisplayName, Email, Me, Username } from '../users/index.js'
import { PASSWORD_MAX } from './passwords.js'
import { type AuthDeps, type AuthService, type AuthResult, type ClientInfo } from './service.js'
import { parseRefreshToken } from './tokens.js'

const REFRESH_COOKIE = 'refresh_token'
const COOKIE_PATH = '/api/hearth/v1/auth'

/** Sets the httpOnly refresh cookie; the provider sign-in (features/oauth) ends the same way. */
export function setRefreshCookie(reply: FastifyReply, ctx: AppContext, refreshToken: string) {
  reply.setCookie(REFRESH_COOKIE, refreshToken, {
    httpOnly: true,
    secure: ctx.config.publicUrl.startsWith('https://'),
    sameSite: 'strict',
    path: COOKIE_PATH,
    maxAge: ctx.config.refreshTokenTtlSeconds,
  })
}

// Length rules beyond "a string" are checked by the service, which knows the password rules.
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX * 4 })

export const AuthResponse = Type.Object(
  {
    user: Me,
    accessToken: Type.String(),
    refreshToken: Type.String({ description: 'Also set as the httpOnly `refresh_token` cookie.' }),
    expiresIn: Type.Integer({ description: 'Seconds until the access token expires.' }),
    tokenType: Type.Literal('Bearer'),
  },
  { $id: 'AuthResponse' },
)

// A sign-in's 401: the usual problem, plus the challenge when the second factor is asked for.
const SignInProblem = Type.Object(
  {
    ...Problem.properties,
    challenge: Type.Optional(
      Type.String({ description: 'With `code: two_factor_required`: completes the sign-in through `POST /auth/login/2fa`.' }),
    ),
  },
  { $id: 'SignInProblem', description: 'RFC 9457 problem details.' },
)

const Session = Type.Object({
  id: Id,
  current: Type.Boolean(),
  device: Type.String({ description: 'A short label derived from the user agent.' }),
  userAgent: Nullable(Type.String()),
  ipAddress: Nullable(Type.String()),
  deviceFingerprint: Nullable(Type.String()),
  createdAt: Timestamp,
  lastActivity: Timestamp,
  expiresAt: Timestamp,
})

export function clientInfo(req: FastifyRequest): ClientInfo {
  const fp = req.headers['x-device-fingerprint']
  return {
    ip: req.ip,
    userAgent: req.headers['user-agent'],
    deviceFingerprint: typeof fp === 'string' ? fp : undefined,
  }
}

export function authRoutes(
  ctx: AppContext,
  { auth, sessions }: { auth: AuthService } & Pick<AuthDeps, 'sessions'>,
): FastifyPluginAsyncTypebox {
  const authLimit = {
    rateLimit: {
      max: ctx.config.rateLimit.authMax,
      timeWindow: ctx.config.rateLimit.windowSeconds * 1000,
      keyGenerator: (r: FastifyRequest) => `auth:${r.ip}`,
    },
  }

  // Refreshing is not a guess at a password, and every page load or new tab does it once: each live
  // session has an allowance of its own, generous enough for any pace of reloading, and refreshes
  // never touch the sign-in bucket of their IP. Only tokens that name no live session (guesses) are
  // counted per IP, as sign-in attempts are.
  const refreshLimit = {
    rateLimit: {
      timeWindow: ctx.config.rateLimit.windowSeconds * 1000,
      keyGenerator: async (r: FastifyRequest) => {
        const presented = (r.body as { refreshToken?: string } | undefined)?.refreshToken ?? r.cookies[REFRESH_COOKIE]
        const parsed = presented ? parseRefreshToken(presented) : null
        const session = parsed ? await sessions.validate(parsed.sessionToken) : null
        return session ? `refresh:session:${session.id}` : `refresh:ip:${r.ip}`
      },
      max: (_r: FastifyRequest, key: string) =>
        key.startsWith('refresh:session:') ? ctx.config.rateLimit.refreshMax : ctx.config.rateLimit.authMax,
    },
  }

  const sendTokens = (reply: FastifyReply, result: AuthResult, status = 200) => {
    setRefreshCookie(reply, ctx, result.refreshToken)
    return reply.code(status).send(result)
  }

  return async (app) => {
    app.post(
      '/auth/register',
      {
        config: authLimit,
        schema: {
          tags: ['auth'],
          summary: 'Create an account and sign in',
          body: Type.Object(
            { email: Email, username: Username, password: Password, displayName: Type.Optional(DisplayName) },
            { additionalProperties: false },
          ),
          response: { 201: AuthResponse, ...errors(400, 409, 429) },
        },
      },
      async (req, reply) => sendTokens(reply, await auth.register(req.body, clientInfo(req)), 201),
    )

    app.post(
      '/auth/login',
      {
        config: authLimit,
        schema: {
          tags: ['auth'],
          summary: 'Sign in with email or username',
          body: Type.Object({ login: Type.String({ minLength: 1, maxLength: 255 }), password: Password }, { additionalProperties: false }),
          description:
            'With two-factor sign-in on, a right password answers 401 `two_factor_required` with a `challenge` for `POST /auth/login/2fa` (no session yet).',
          response: { 200: AuthResponse, ...errors(400, 403, 429), 401: SignInProblem },
        },
      },
      async (req, reply) => sendTokens(reply, await auth.login(req.body, clientInfo(req))),
    )

    app.post(
      '/auth/refresh',
      {
        config: refreshLimit,
        schema: {
          tags: ['auth'],
          summary: 'Rotate the refresh token (body or cookie) and get a new access token',
          description: 'The presented refresh token dies. Presenting a token that was already rotated ends the session (reuse detection).',
          body: Type.Object({ refreshToken: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
          response: { 200: AuthResponse, ...errors(400, 401, 403, 429) },
        },
        // Browsers refreshing through the cookie send no body at all.
        preValidation: async (req) => {
          req.body ??= {}
        },
      },
      async (req, reply) => {
        const token = req.body.refreshToken ?? req.cookies[REFRESH_COOKIE]
        if (!token) throw unauthorized('No refresh token was presented.', 'refresh_token_missing')
        return sendTokens(reply, await auth.refresh(token, clientInfo(req)))
      },
    )

    app.post(
      '/auth/logout',
      { schema: { tags: ['auth'], summary: 'End the current session', security: bearer, response: { 204: Type.Null(), ...errors(401) } } },
      async (req, reply) => {
        const me = requireUser(req)
        await auth.revokeSession(me.userId, me.sessionId, 'logout')
        reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH })
        return reply.code(204).send(null)
      },
    )

    app.post(
      '/auth/password',
      {
        config: authLimit,
        schema: {
          tags: ['auth'],
          summary: 'Change password; ends every other session',
          security: bearer,
          body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
          response: { 204: Type.Null(), ...errors(400, 401, 429) },
        },
      },
      async (req, reply) => {
        await auth.changePassword(requireUser(req), req.body)
        return reply.code(204).send(null)
      },
    )

    app.get(
      '/auth/sessions',
      {
        schema: {
          tags: ['auth'],
          summary: 'The caller’s active sessions (devices)',
          security: bearer,
          response: { 200: Type.Object({ items: Type.Array(Session) }), ...errors(401) },
        },
      },
      async (req) => ({ items: await auth.listSessions(requireUser(req)) }),
    )

    app.delete(
      '/auth/sessions/:id',
      {
        schema: {
          tags: ['auth'],
          summary: 'End one of the caller’s sessions',
          security: bearer,
          params: IdParams,
          response: { 204: Type.Null(), ...errors(400, 401, 404) },
        },
      },
      async (req, reply) => {
        await auth.revokeSession(requireUser(req).userId, req.params.id, 'revoked')
        return reply.code(204).send(null)
      },
    )

    app.delete(
      '/auth/sessions',
      {
        schema: {
          tags: ['auth'],
          summary: 'End every session of the caller but the current one',
          security: bearer,
          response: { 200: Type.Object({ revoked: Type.Integer() }), ...errors(401) },
        },
      },
      async (req) => {
        const me = requireUser(req)
        return { revoked: await auth.revokeOtherSessions(me.userId, me.sessionId, 'revoked') }
      },
    )
  }
}
