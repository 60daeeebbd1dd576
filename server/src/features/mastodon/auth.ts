// Who calls the Mastodon API: a user's app token (a Hearth session opened through OAuth, checked
// through the same session cache as the web app's, so revocation and blocking act within the
// cache's local TTL), an app-only token (client_credentials), or nobody.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AuthInfo } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import type { AppContext } from '../../context.js'
import { sha256, type SessionCache } from '../auth/index.js'
import * as q from './queries.js'
import { covers, outsideScopes, parseScopes } from './scopes.js'

export interface MastodonCaller {
  appId: number
  scopes: string[]
  /** an app-only token: no user behind it */
  appOnly: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    mastodon: MastodonCaller | null
  }
}

export const invalidToken = () => new AppError(401, 'token_invalid', 'The access token is invalid')

/** Mastodon takes the token from the Authorization header, or (streaming, some clients) `access_token` in the query. */
function presentedToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (!m) throw invalidToken()
    return m[1]
  }
  const query = req.query as Record<string, unknown> | undefined
  return typeof query?.access_token === 'string' && query.access_token !== '' ? query.access_token : undefined
}

export function registerMastodonAuth(app: FastifyInstance, ctx: AppContext, sessions: SessionCache) {
  app.decorateRequest('mastodon', null)
  app.addHook('onRequest', async (req) => {
    const token = presentedToken(req)
    if (token === undefined) return
    const hash = sha256(token)
    const session = await sessions.validate(hash)
    if (session?.oauthAppId) {
      req.auth = { userId: session.userId, sessionId: session.id, sessionToken: hash, role: session.role, expiresAtMs: session.expiresAt }
      req.mastodon = { appId: session.oauthAppId, scopes: parseScopes(session.oauthScopes), appOnly: false }
      return
    }
    // A user token that ended must not fall through to an app-only one: hashes never collide.
    const appToken = session ? undefined : await q.findAppToken(ctx.database.db, hash)
    if (!appToken) throw invalidToken()
    req.mastodon = { appId: appToken.appId, scopes: parseScopes(appToken.scopes), appOnly: true }
  })
}

/** The signed-in user of a user token that carries `scope`; 401 without one, 403 outside its scopes. */
export function requireUserScope(req: FastifyRequest, scope: string): AuthInfo {
  if (!req.auth || !req.mastodon || req.mastodon.appOnly) throw invalidToken()
  if (!covers(req.mastodon.scopes, scope)) throw outsideScopes()
  return req.auth
}

/** Reads open to anonymous callers: a token, when given, must still carry `scope`. */
export function optionalUserScope(req: FastifyRequest, scope: string): AuthInfo | undefined {
  if (!req.mastodon) return undefined
  if (!covers(req.mastodon.scopes, scope)) throw outsideScopes()
  return req.auth ?? undefined
}
