// The OAuth 2 authorization server for third-party (Mastodon) apps, on @node-oauth/oauth2-server:
// the library runs the grants (authorization code with PKCE, client credentials, refresh token)
// and checks clients, redirect URIs and code verifiers; the model below stores what it hands over.
//
// A user's token is a Hearth session (user_sessions): its session token is the SHA-256 of the
// access token, so the token itself is never stored, the session cache checks it like any other
// session, and revoking it from the sessions list, blocking its user or the app revoking it ends it
// everywhere within the cache's local TTL. Refresh tokens name their session (`<id>-<secret>`)
// and never take the web app's refresh format, so they cannot be turned into an unscoped session.
import OAuth2Server, {
  type AuthorizationCode,
  type Client,
  type RefreshToken,
  type Token,
  type User,
  OAuthError,
  Request as OAuthRequest,
  Response as OAuthResponse,
} from '@node-oauth/oauth2-server'
import type { AppContext } from '../../context.js'
import { AppError } from '../../http/errors.js'
import { randomToken, sameHash, sha256, type AuthService, type ClientInfo, type SessionCache } from '../auth/index.js'
import * as q from './queries.js'
import { knownScope, parseScopes, withinApp } from './scopes.js'

/** Out-of-band: the code is shown to the person, who copies it into the app. */
export const OOB = 'urn:ietf:wg:oauth:2.0:oob'
/** Mastodon's tokens do not expire; Hearth's app sessions last this long unless revoked. */
const TOKEN_LIFETIME_SECONDS = 10 * 365 * 24 * 3600
const CODE_LIFETIME_SECONDS = 600

interface AppClient extends Client {
  app: q.AppRow
}

/** An OAuth error: `error` is its RFC 6749 code (the onSend hook of routes.ts writes `{error, error_description}`). */
export const oauthError = (status: number, error: string, description: string) => new AppError(status, error, description)

/** Redirect URIs as Mastodon takes them: space- or newline-separated absolute URIs, or the out-of-band URN. */
export function parseRedirectUris(value: string): string[] | null {
  const list = value.split(/\s+/).filter(Boolean)
  if (list.length === 0 || list.length > 10) return null
  for (const uri of list) {
    if (uri === OOB) continue
    try {
      const u = new URL(uri)
      if (u.hash) return null
    } catch {
      return null
    }
  }
  return list
}

export interface TokenResult {
  access_token: string
  token_type: 'Bearer'
  scope: string
  created_at: number
  refresh_token?: string
}

export class MastodonOAuth {
  constructor(
    private readonly ctx: AppContext,
    private readonly deps: { auth: AuthService; sessions: SessionCache },
  ) {}

  private get db() {
    return this.ctx.database.db
  }

  async registerApp(input: { client_name: string; redirect_uris: string | string[]; scopes?: string; website?: string }) {
    const uris = parseRedirectUris(Array.isArray(input.redirect_uris) ? input.redirect_uris.join(' ') : input.redirect_uris)
    if (!uris) throw new AppError(422, 'validation_failed', 'Validation failed: Redirect URI must be an absolute URI.')
    const scopes = parseScopes(input.scopes)
    const unknown = scopes.filter((s) => !knownScope(s))
    if (unknown.length > 0) throw new AppError(422, 'validation_failed', `Validation failed: Scopes ${unknown.join(', ')} are not known.`)
    const name = input.client_name.trim()
    if (!name) throw new AppError(422, 'validation_failed', "Validation failed: Application name can't be blank")
    const clientSecret = randomToken(32)
    const app = await q.insertApp(this.db, {
      clientId: randomToken(32),
      clientSecretHash: sha256(clientSecret),
      name: name.slice(0, 255),
      website: input.website?.trim() ? input.website.trim().slice(0, 2000) : null,
      redirectUris: uris.join(' '),
      scopes: scopes.join(' '),
    })
    return { app, clientSecret }
  }

  /** The app behind an authorization request, with the scopes it asks for; refused without a redirect when the client or URI is wrong. */
  async describeRequest(input: { client_id: string; redirect_uri: string; scope?: string; response_type?: string }) {
    const app = await q.findAppByClientId(this.db, input.client_id)
    if (!app) throw oauthError(400, 'invalid_client', 'Client authentication failed due to unknown client.')
    if (!app.redirectUris.split(' ').includes(input.redirect_uri)) {
      throw oauthError(400, 'invalid_redirect_uri', 'The redirect uri included is not valid.')
    }
    if (input.response_type !== undefined && input.response_type !== 'code') {
      throw oauthError(400, 'unsupported_response_type', 'The authorization server does not support this response type.')
    }
    const scopes = parseScopes(input.scope ?? app.scopes)
    if (!scopes.every(knownScope) || !withinApp(app.scopes.split(' '), scopes)) {
      throw oauthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.')
    }
    return { app, scopes }
  }

  /**
   * The signed-in person approves (or denies) an authorization request: returns where the browser
   * goes next (the app's redirect URI with `code` and `state`), or, out of band, the code itself.
   */
  async approve(
    userId: number,
    input: {
      client_id: string
      redirect_uri: string
      scope?: string
      state?: string
      code_challenge?: string
      code_challenge_method?: string
      approve: boolean
    },
  ): Promise<{ redirectUrl: string | null; code: string | null }> {
    const { app, scopes } = await this.describeRequest(input)
    if (!input.approve) {
      if (input.redirect_uri === OOB) return { redirectUrl: null, code: null }
      const u = new URL(input.redirect_uri)
      u.searchParams.set('error', 'access_denied')
      u.searchParams.set('error_description', 'The resource owner or authorization server denied the request.')
      if (input.state) u.searchParams.set('state', input.state)
      return { redirectUrl: u.toString(), code: null }
    }
    if (input.code_challenge && (input.code_challenge_method ?? 'plain') !== 'S256') {
      throw oauthError(400, 'invalid_request', 'Only the S256 code challenge method is supported.')
    }
    const query: Record<string, string> = {
      response_type: 'code',
      client_id: input.client_id,
      redirect_uri: input.redirect_uri,
      scope: scopes.join(' '),
    }
    if (input.state) query.state = input.state
    if (input.code_challenge) {
      query.code_challenge = input.code_challenge
      query.code_challenge_method = 'S256'
    }
    const request = new OAuthRequest({ method: 'GET', headers: {}, query, body: {} })
    const response = new OAuthResponse()
    const code = await this.server(app.id)
      .authorize(request, response, {
        authenticateHandler: { handle: () => ({ id: userId }) },
        allowEmptyState: true,
        authorizationCodeLifetime: CODE_LIFETIME_SECONDS,
      })
      .catch((e: unknown) => {
        throw asOAuthError(e) ?? e
      })
    if (input.redirect_uri === OOB) return { redirectUrl: null, code: code.authorizationCode }
    const u = new URL(input.redirect_uri)
    u.searchParams.set('code', code.authorizationCode)
    if (input.state) u.searchParams.set('state', input.state)
    return { redirectUrl: u.toString(), code: null }
  }

  /** POST /oauth/token: the library runs the grant; errors come back as OAuth's `{error, error_description}`. */
  async token(
    body: Record<string, unknown>,
    headers: Record<string, string | string[] | undefined>,
    client: ClientInfo,
  ): Promise<TokenResult> {
    const request = new OAuthRequest({
      method: 'POST',
      // Mastodon clients send JSON or forms; the body is parsed already, the library wants a form.
      // (type-is, under the library, also wants to see that there is a body at all)
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': '1',
        ...(typeof headers.authorization === 'string' ? { authorization: headers.authorization } : {}),
      },
      query: {},
      body: Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)])),
    })
    const token = await this.server(undefined, client).token(request, new OAuthResponse(), {
      accessTokenLifetime: TOKEN_LIFETIME_SECONDS,
      refreshTokenLifetime: TOKEN_LIFETIME_SECONDS,
      requireClientAuthentication: { authorization_code: true, refresh_token: true, client_credentials: true },
    })
    return {
      access_token: token.accessToken,
      token_type: 'Bearer',
      scope: (token.scope ?? []).join(' '),
      created_at: Math.floor(Date.now() / 1000),
      ...(token.refreshToken ? { refresh_token: token.refreshToken } : {}),
    }
  }

  /** POST /oauth/revoke: the app ends one of its tokens. Unknown tokens are ignored, as RFC 7009 says. */
  async revoke(input: { client_id: string; client_secret: string; token: string }) {
    const app = await this.authenticateClient(input.client_id, input.client_secret)
    if (!app)
      throw oauthError(
        401,
        'invalid_client',
        'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
      )
    const hash = sha256(input.token)
    const session = await q.findAppSessionByToken(this.db, hash)
    if (session) {
      if (session.oauthAppId !== app.id) throw oauthError(403, 'unauthorized_client', 'You are not authorized to revoke this token')
      if (session.isActive) await this.deps.auth.revokeSession(session.userId, session.id, 'app_revoked')
      return
    }
    const appToken = await q.findAppToken(this.db, hash)
    if (appToken) {
      if (appToken.appId !== app.id) throw oauthError(403, 'unauthorized_client', 'You are not authorized to revoke this token')
      await q.deleteAppToken(this.db, hash)
    }
  }

  async authenticateClient(clientId: string, clientSecret: string | null | undefined): Promise<q.AppRow | undefined> {
    const app = await q.findAppByClientId(this.db, clientId)
    if (!app) return undefined
    if (clientSecret !== null && clientSecret !== undefined && !sameHash(app.clientSecretHash, sha256(clientSecret))) return undefined
    return app
  }

  /**
   * The library with a model for one request (a refresh hands the session it rotates from
   * `revokeToken` to `saveToken`). `appId` pins authorization to the app already checked.
   */
  private server(appId: number | undefined, client?: ClientInfo) {
    const db = this.db
    let rotating: { sessionId: number; oldRefreshHash: string; oldSessionToken: string } | undefined
    const toClient = (app: q.AppRow): AppClient => ({
      id: app.clientId,
      app,
      redirectUris: app.redirectUris.split(' '),
      grants: ['authorization_code', 'client_credentials', 'refresh_token'],
    })
    const model = {
      getClient: async (clientId: string, clientSecret: string | null) => {
        const app = await this.authenticateClient(clientId, clientSecret)
        if (!app || (appId !== undefined && app.id !== appId)) return false
        return toClient(app)
      },
      // Exact match only (the library's default compares too, but may be given a list).
      validateRedirectUri: async (uri: string, c: Client) => (c as AppClient).app.redirectUris.split(' ').includes(uri),
      validateScope: async (_user: User, c: Client, scope?: string[]) => {
        const scopes = scope && scope.length > 0 ? scope : ['read']
        return scopes.every(knownScope) && withinApp((c as AppClient).app.scopes.split(' '), scopes) ? scopes : false
      },
      generateAccessToken: async () => randomToken(32),
      generateAuthorizationCode: async () => randomToken(32),
      saveAuthorizationCode: async (
        code: Pick<
          AuthorizationCode,
          'authorizationCode' | 'expiresAt' | 'redirectUri' | 'scope' | 'codeChallenge' | 'codeChallengeMethod'
        >,
        c: Client,
        user: User,
      ) => {
        await q.deleteExpiredAuthorizationCodes(db)
        await q.insertAuthorizationCode(db, {
          codeHash: sha256(code.authorizationCode),
          appId: (c as AppClient).app.id,
          userId: user.id as number,
          redirectUri: code.redirectUri,
          scopes: (code.scope ?? ['read']).join(' '),
          codeChallenge: code.codeChallenge ?? null,
          codeChallengeMethod: code.codeChallengeMethod ?? null,
          expiresAt: code.expiresAt,
        })
        return { ...code, client: c, user }
      },
      getAuthorizationCode: async (authorizationCode: string): Promise<AuthorizationCode | false> => {
        const row = await q.findAuthorizationCode(db, sha256(authorizationCode))
        if (!row) return false
        const app = await q.findAppById(db, row.appId)
        if (!app) return false
        return {
          authorizationCode,
          expiresAt: row.expiresAt,
          redirectUri: row.redirectUri,
          scope: row.scopes.split(' '),
          client: toClient(app),
          user: { id: row.userId },
          ...(row.codeChallenge ? { codeChallenge: row.codeChallenge, codeChallengeMethod: row.codeChallengeMethod ?? 'S256' } : {}),
        }
      },
      revokeAuthorizationCode: async (code: AuthorizationCode) => q.deleteAuthorizationCode(db, sha256(code.authorizationCode)),
      getUserFromClient: async () => ({ appOnly: true }),
      getRefreshToken: async (refreshToken: string): Promise<RefreshToken | false> => {
        const m = /^(\d{1,10})-([A-Za-z0-9_-]{43})$/.exec(refreshToken)
        if (!m) return false
        const row = await q.findAppSessionById(db, Number(m[1]))
        if (!row || row.isBlocked || !row.session.isActive || !row.session.oauthAppId || !row.session.refreshTokenHash) return false
        if (!sameHash(row.session.refreshTokenHash, sha256(refreshToken))) return false
        const app = await q.findAppById(db, row.session.oauthAppId)
        if (!app) return false
        return {
          refreshToken,
          refreshTokenExpiresAt: row.session.expiresAt,
          scope: (row.session.oauthScopes ?? 'read').split(' '),
          client: toClient(app),
          user: { id: row.session.userId, sessionId: row.session.id, sessionToken: row.session.sessionToken },
        }
      },
      revokeToken: async (token: RefreshToken) => {
        const user = token.user as { sessionId: number; sessionToken: string }
        rotating = { sessionId: user.sessionId, oldRefreshHash: sha256(token.refreshToken), oldSessionToken: user.sessionToken }
        return true
      },
      saveToken: async (token: Token, c: Client, user: User): Promise<Token | false> => {
        const app = (c as AppClient).app
        const scopes = (token.scope ?? ['read']).join(' ')
        if ((user as { appOnly?: boolean }).appOnly) {
          await q.insertAppToken(db, { tokenHash: sha256(token.accessToken), appId: app.id, scopes })
          return { accessToken: token.accessToken, scope: token.scope, client: c, user }
        }
        const secret = randomToken(32)
        if (rotating) {
          const refreshToken = `${rotating.sessionId}-${secret}`
          const ok = await q.rotateAppSession(db, rotating.sessionId, rotating.oldRefreshHash, {
            sessionToken: sha256(token.accessToken),
            refreshTokenHash: sha256(refreshToken),
          })
          if (!ok) return false
          await this.deps.sessions.revoke([rotating.oldSessionToken])
          return { accessToken: token.accessToken, refreshToken, scope: token.scope, client: c, user }
        }
        const sessionId = await q.insertAppSession(db, {
          userId: user.id as number,
          sessionToken: sha256(token.accessToken),
          expiresAt: token.accessTokenExpiresAt ?? new Date(Date.now() + TOKEN_LIFETIME_SECONDS * 1000),
          ipAddress: client?.ip.slice(0, 45) ?? null,
          userAgent: client?.userAgent?.slice(0, 1000) ?? null,
          lastActivity: new Date(),
          oauthAppId: app.id,
          oauthScopes: scopes,
        })
        const refreshToken = `${sessionId}-${secret}`
        // The refresh token names its session, so it is set once the row exists.
        await q.setAppSessionRefresh(db, sessionId, sha256(refreshToken))
        return { accessToken: token.accessToken, refreshToken, scope: token.scope, client: c, user }
      },
      getAccessToken: async () => false as const,
    }
    return new OAuth2Server({ model })
  }
}

/** What the library's errors say to an OAuth client: `{error, error_description}` with its status. */
export function asOAuthError(err: unknown): AppError | undefined {
  if (err instanceof OAuthError) return oauthError(err.code, err.name, err.message)
  return undefined
}
