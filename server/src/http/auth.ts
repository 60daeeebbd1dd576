import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { SessionCache, TokenService } from '../features/auth/index.js'
import { forbidden, unauthorized } from './errors.js'

export interface AuthInfo {
  userId: number
  sessionId: number
  sessionToken: string
  role: 'user' | 'admin'
  /** when the access token this came from expires (ms since the epoch) */
  expiresAtMs: number
}

/** What checking an access token takes (both are built in services.ts). */
export interface TokenCheck {
  tokens: TokenService
  sessions: SessionCache
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthInfo | null
  }
}

/**
 * The paths of the Mastodon-compatible API (features/mastodon), which checks its own OAuth tokens
 * (long-lived, opaque, scoped) and answers errors as `{"error": "..."}`. The native JWTs are not
 * taken there, and its tokens are not taken by the native API.
 */
export const MASTODON_API = /^\/(api\/v[12]|oauth|\.well-known|nodeinfo)(\/|\?|$)/

/**
 * Reads `Authorization: Bearer <jwt>` on every request (but the Mastodon API's: MASTODON_API). A missing header leaves the request
 * anonymous; a present but bad, expired or revoked token is refused outright, so clients know
 * to refresh rather than silently seeing an anonymous view.
 */
export function registerAuthentication(app: FastifyInstance, check: TokenCheck) {
  app.decorateRequest('auth', null)
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization
    if (!header || MASTODON_API.test(request.url)) return
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (!m) throw unauthorized('The Authorization header must be "Bearer <access token>".', 'token_invalid')
    request.auth = await authenticateToken(check, m[1]!)
  })
}

export async function authenticateToken(check: TokenCheck, token: string): Promise<AuthInfo> {
  const claims = await check.tokens.verify(token)
  if (claims === 'expired') throw unauthorized('The access token has expired; refresh it.', 'token_expired')
  if (claims === 'invalid') throw unauthorized('The access token is invalid.', 'token_invalid')
  const session = await check.sessions.validate(claims.sessionToken)
  if (!session || session.userId !== claims.userId) {
    throw unauthorized('This session has ended; sign in again.', 'session_revoked')
  }
  return {
    userId: session.userId,
    sessionId: session.id,
    sessionToken: claims.sessionToken,
    role: session.role,
    expiresAtMs: claims.expiresAtMs,
  }
}

export function requireUser(request: FastifyRequest): AuthInfo {
  if (!request.auth) throw unauthorized()
  return request.auth
}

export function requireAdmin(request: FastifyRequest): AuthInfo {
  const auth = requireUser(request)
  if (auth.role !== 'admin') throw forbidden('Administrators only.')
  return auth
}
