// OAuth 2 for third-party apps: registration, the authorization endpoint (which hands the person
// to the web app's consent page, /authorize-app), token and revocation, and the server metadata.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { clientInfo } from '../auth/index.js'
import { invalidToken } from './auth.js'
import { asOAuthError, type MastodonOAuth } from './oauth.js'
import * as q from './queries.js'
import { oauth as secured, tag } from './schemas.js'
import { ALL_SCOPES } from './scopes.js'
import { presentApplication } from './views.js'

export function oauthRoutes(ctx: AppContext, oauth: MastodonOAuth): FastifyPluginAsyncTypebox {
  const base = ctx.config.publicUrl
  return async (app) => {
    app.post(
      '/api/v1/apps',
      {
        schema: {
          tags: tag('oauth'),
          summary: 'Register an app (Mastodon: Application with client_id and client_secret)',
          body: Type.Object({
            client_name: Type.String({ minLength: 1, maxLength: 255 }),
            redirect_uris: Type.Union([Type.String({ maxLength: 4000 }), Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 10 })]),
            scopes: Type.Optional(Type.String({ maxLength: 1000 })),
            website: Type.Optional(Type.String({ maxLength: 2000 })),
          }),
        },
      },
      async (req) => {
        const { app: row, clientSecret } = await oauth.registerApp(req.body)
        return presentApplication(row, { clientSecret })
      },
    )

    app.get(
      '/api/v1/apps/verify_credentials',
      { schema: { tags: tag('oauth'), summary: 'The app of the token', security: secured('read') } },
      async (req) => {
        if (!req.mastodon) throw invalidToken()
        const row = await q.findAppById(ctx.database.db, req.mastodon.appId)
        if (!row) throw invalidToken()
        return presentApplication(row)
      },
    )

    app.get(
      '/oauth/authorize',
      {
        schema: {
          tags: tag('oauth'),
          summary: 'Authorization endpoint: checks the request, then shows Hearth’s sign-in and consent page',
          querystring: Type.Object({
            client_id: Type.String({ maxLength: 200 }),
            redirect_uri: Type.String({ maxLength: 2000 }),
            response_type: Type.Optional(Type.String({ maxLength: 50 })),
            scope: Type.Optional(Type.String({ maxLength: 1000 })),
            state: Type.Optional(Type.String({ maxLength: 1000 })),
            code_challenge: Type.Optional(Type.String({ maxLength: 128 })),
            code_challenge_method: Type.Optional(Type.String({ maxLength: 10 })),
          }),
        },
      },
      async (req, reply) => {
        // A wrong client or redirect URI is answered here, never redirected to.
        await oauth.describeRequest(req.query)
        const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''
        return reply.redirect(`/authorize-app${query}`, 302)
      },
    )

    app.post(
      '/oauth/token',
      {
        schema: {
          tags: tag('oauth'),
          summary: 'Token endpoint: authorization_code (PKCE S256), client_credentials, refresh_token',
          body: Type.Object({
            grant_type: Type.String({ maxLength: 50 }),
            client_id: Type.Optional(Type.String({ maxLength: 200 })),
            client_secret: Type.Optional(Type.String({ maxLength: 200 })),
            code: Type.Optional(Type.String({ maxLength: 200 })),
            redirect_uri: Type.Optional(Type.String({ maxLength: 2000 })),
            code_verifier: Type.Optional(Type.String({ maxLength: 200 })),
            refresh_token: Type.Optional(Type.String({ maxLength: 200 })),
            scope: Type.Optional(Type.String({ maxLength: 1000 })),
          }),
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store')
        try {
          return await oauth.token(req.body, req.headers, clientInfo(req))
        } catch (e) {
          throw asOAuthError(e) ?? e
        }
      },
    )

    app.post(
      '/oauth/revoke',
      {
        schema: {
          tags: tag('oauth'),
          summary: 'Revoke a token of this app',
          body: Type.Object({
            client_id: Type.String({ maxLength: 200 }),
            client_secret: Type.String({ maxLength: 200 }),
            token: Type.String({ maxLength: 200 }),
          }),
        },
      },
      async (req) => {
        await oauth.revoke(req.body)
        return {}
      },
    )

    app.get(
      '/.well-known/oauth-authorization-server',
      { schema: { tags: tag('oauth'), summary: 'OAuth 2 authorization server metadata (RFC 8414), as Mastodon 4.3 gives it' } },
      async () => ({
        issuer: `${base}/`,
        service_documentation: `${base}/docs`,
        authorization_endpoint: `${base}/oauth/authorize`,
        token_endpoint: `${base}/oauth/token`,
        app_registration_endpoint: `${base}/api/v1/apps`,
        revocation_endpoint: `${base}/oauth/revoke`,
        scopes_supported: ALL_SCOPES,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
      }),
    )
  }
}
