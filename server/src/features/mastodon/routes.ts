// The Mastodon-compatible client API (issue 16): /api/v1, /api/v2, /oauth, /.well-known and
// /nodeinfo, with Mastodon's paths, bodies (JSON, forms, multipart), snake_case entities with
// string ids, OAuth scopes and `{"error": "..."}` errors, all scoped to this plugin so the native
// API keeps problem+json.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import type { Services } from '../../services.js'
import { registerMastodonAuth } from './auth.js'
import { registerMastodonBodies } from './form-body.js'
import { accountRoutes } from './account-routes.js'
import { instanceRoutes } from './instance-routes.js'
import { oauthRoutes } from './oauth-routes.js'
import { MastodonOAuth } from './oauth.js'
import { MastodonReads } from './service.js'
import { statusRoutes } from './status-routes.js'

/** The OAuth error codes of RFC 6749 that /oauth answers under their own name. */
const OAUTH_CODES = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'unsupported_response_type',
  'server_error',
  'invalid_redirect_uri',
  'invalid_token',
])

export function mastodonRoutes(ctx: AppContext, services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    registerMastodonAuth(app, ctx, services.sessions)
    registerMastodonBodies(app)

    // Every error here is built as problem+json by the one error handler (logging, 5xx hiding,
    // rate limits, validation); this rewrites it into Mastodon's shape on the way out.
    app.addHook('onSend', async (req, reply, payload) => {
      if (!String(reply.getHeader('content-type') ?? '').startsWith('application/problem+json') || typeof payload !== 'string')
        return payload
      const problem = JSON.parse(payload) as { status: number; code: string; detail: string }
      reply.type('application/json; charset=utf-8')
      if (req.url.startsWith('/oauth/')) {
        const error = OAUTH_CODES.has(problem.code) ? problem.code : problem.status === 401 ? 'invalid_client' : 'invalid_request'
        return JSON.stringify({ error, error_description: problem.detail })
      }
      // Mastodon answers a body it cannot accept with 422 "Validation failed: …".
      if (problem.code === 'validation_failed' && problem.status === 400) {
        reply.code(422)
        return JSON.stringify({ error: `Validation failed: ${problem.detail}` })
      }
      return JSON.stringify({ error: problem.detail })
    })

    const oauth = new MastodonOAuth(ctx, services)
    const reads = new MastodonReads(ctx, services)
    await app.register(oauthRoutes(ctx, oauth))
    await app.register(instanceRoutes(ctx))
    await app.register(accountRoutes(ctx, services, reads))
    await app.register(statusRoutes(ctx, services, reads))
  }
}
