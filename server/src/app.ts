// Builds the Fastify app and registers every feature. Never listens: main.ts does, and tests
// drive it through app.inject or app.listen on an ephemeral port. The services it hands the
// features come composed from services.ts.
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import helmet from 'helmet'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import websocket from '@fastify/websocket'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify'
import { randomUUID } from 'node:crypto'
import type { AppContext } from './context.js'
import { authRoutes, emailRoutes, twoFactorRoutes } from './features/auth/index.js'
import { healthRoutes } from './features/health/index.js'
import { avatarRoutes, hiddenMediaRoutes, mediaFileRoutes, registerMultipart } from './features/media/index.js'
import { oauthRoutes } from './features/oauth/index.js'
import { Me, PublicProfile, usersRoutes, UserSummary } from './features/users/index.js'
import { consentRoutes, mastodonRoutes } from './features/mastodon/index.js'
import { webRoutes } from './features/web/index.js'
import { Comment, commentsRoutes } from './features/comments/index.js'
import { deletionRoutes } from './features/deletion/index.js'
import { feedRoutes } from './features/feed/index.js'
import { followsRoutes } from './features/follows/index.js'
import { safetyRoutes } from './features/safety/index.js'
import { likesRoutes } from './features/likes/index.js'
import { bookmarksRoutes } from './features/bookmarks/index.js'
import { tagsRoutes } from './features/tags/index.js'
import { searchRoutes } from './features/search/index.js'
import { Post, PostImage, postsRoutes } from './features/posts/index.js'
import { messagesRoutes } from './features/messages/index.js'
import { NotificationGroup, notificationSettingsRoutes, notificationsRoutes } from './features/notifications/index.js'
import { CloseCode, selectProtocol, streamOpenApiPath, streamRoutes } from './features/stream/index.js'
import { adminRoutes } from './features/admin/index.js'
import { reportsRoutes } from './features/reports/index.js'
import { registerActivityTracking } from './features/stats/index.js'
import { registerAuthentication } from './http/auth.js'
import { rateLimited } from './http/errors.js'
import { RateLimitCounter, rateLimitStore } from './http/rate-limit-store.js'
import { clientErrorHandler, registerErrorHandling } from './http/error-handler.js'
import { registerRequestLog } from './http/request-log.js'
import { Problem } from './http/schemas.js'
import { registerTextInputCheck } from './http/text-input.js'
import type { Services } from './services.js'

export async function buildApp(ctx: AppContext, services: Services) {
  const { config } = ctx
  const app = Fastify({
    // The cast picks Fastify's logger type parameter: with pino's own Logger type there, the
    // feature plugins (typed for FastifyBaseLogger) no longer fit the app.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // One line per request, with its URL redacted, from http/request-log.ts instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Off unless TRUST_PROXY names the proxies: trusting X-Forwarded-For blindly lets clients pick their IP.
    trustProxy: config.trustProxy as boolean | string,
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID()
    },
    requestIdHeader: false,
    // what Node's parser refuses (431 for an over-long URL or headers) is problem+json too
    clientErrorHandler,
    routerOptions: { maxParamLength: 200 },
    ajv: {
      customOptions: {
        removeAdditional: false, // unknown fields are refused, not silently dropped
        allErrors: true,
        coerceTypes: 'array',
        useDefaults: true,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id)
  })

  registerErrorHandling(app)
  registerTextInputCheck(app)
  registerRequestLog(app)
  // The API speaks JSON (and multipart for uploads): a text/plain body is refused with 415.
  app.removeContentTypeParser('text/plain')

  for (const schema of [Problem, UserSummary, PublicProfile, Me, PostImage, Post, Comment, NotificationGroup]) app.addSchema(schema)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hearth API',
        version: '1',
        description:
          'A self-hostable social network. Errors are RFC 9457 problem+json with a stable `code`. Lists are keyset-paginated with opaque cursors.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          // The Mastodon-compatible API (tags "mastodon: …"): opaque OAuth tokens with Mastodon's scopes.
          mastodonOAuth: {
            type: 'oauth2',
            flows: {
              authorizationCode: {
                authorizationUrl: `${config.publicUrl}/oauth/authorize`,
                tokenUrl: `${config.publicUrl}/oauth/token`,
                scopes: { read: 'read everything', write: 'write everything', follow: 'follows, blocks and mutes', push: 'Web Push' },
              },
            },
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) ?? `def-${i}` },
    // WebSocket routes are hidden by @fastify/websocket; the stream is documented by hand.
    transformObject: (doc) => {
      const openapi = 'openapiObject' in doc ? doc.openapiObject : {}
      return { ...openapi, paths: { ...openapi.paths, '/api/hearth/v1/stream': streamOpenApiPath } } as typeof openapi
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { docExpansion: 'list', deepLinking: true } })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  // Security headers from helmet, built once. (@fastify/helmet rebuilds the whole helmet middleware,
  // CSP parsing included, on every request: ~5% of a signed-in GET's CPU in a profile.)
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // With S3 storage, photos and avatars load from S3_PUBLIC_URL; avatars taken from Google
        // or GitHub at sign-up stay on their https hosts.
        // Photo URLs on disk storage are absolute (PUBLIC_URL), so the app must load them even when
        // opened under another name for this host (127.0.0.1 vs localhost).
        imgSrc: [
          "'self'",
          'data:',
          'blob:',
          'https:',
          new URL(config.publicUrl).origin,
          ...(config.s3 ? [new URL(config.s3.publicUrl).origin] : []),
        ],
        connectSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        // Over plain http (local and LAN installs) upgrading would break every asset of the web app.
        upgradeInsecureRequests: config.publicUrl.startsWith('https://') ? [] : null,
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
  })
  app.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)))
  await app.register(cookie)
  await registerMultipart(app, config)

  registerAuthentication(app, services)
  registerActivityTracking(app, ctx)

  if (config.rateLimit.enabled) {
    const rateLimitCounter = ctx.redis ? new RateLimitCounter(ctx.redis) : undefined
    if (rateLimitCounter) app.addHook('onClose', async () => rateLimitCounter.close())
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler', // after authentication, so signed-in users are limited per account
      max: (req) => (req.auth ? config.rateLimit.userMax : config.rateLimit.anonymousMax),
      timeWindow: config.rateLimit.windowSeconds * 1000,
      keyGenerator: (req) => (req.auth ? `user:${req.auth.userId}` : `ip:${req.ip}`),
      // With Redis: counted in Redis, locally while far from the limit (http/rate-limit-store.ts);
      // without it (one instance): the plugin's in-memory store.
      ...(rateLimitCounter ? { store: rateLimitStore(rateLimitCounter, ctx.redis!, `${config.redisKeyPrefix}rl:`) } : {}),
      skipOnError: true, // a Redis outage must not take the API down with it
      errorResponseBuilder: (_req, context) => rateLimited(Math.max(1, Math.ceil(context.ttl / 1000))),
    })
  }

  // The realtime stream: upgrades are routed through Fastify (hooks, auth) before they happen.
  const { streamHub } = services
  await app.register(websocket, {
    options: { maxPayload: 16 * 1024, handleProtocols: selectProtocol },
    // At close, the hub says goodbye first (1001 "going away": clients reconnect, to another
    // instance or to this one restarted); the plugin's own close would send no code at all (1005).
    preClose(done) {
      const wss = this.websocketServer
      streamHub
        .close()
        .catch((err: unknown) => this.log.warn({ err }, 'closing the stream hub failed'))
        .finally(() => {
          for (const client of wss.clients) client.close(CloseCode.goingAway, 'server_shutting_down')
          wss.close()
          done()
        })
    },
  })
  await streamHub.start()
  app.decorate('streamHub', streamHub)

  await app.register(healthRoutes(ctx, ctx.storage.kind === 's3' ? { storage: () => ctx.storage.ping() } : {}))
  await app.register(mediaFileRoutes(ctx))
  await app.register(
    async (api) => {
      // One line per feature.
      await api.register(authRoutes(ctx, services))
      await api.register(emailRoutes(ctx, services))
      await api.register(twoFactorRoutes(ctx, services))
      await api.register(oauthRoutes(ctx, services))
      await api.register(usersRoutes(ctx, services))
      await api.register(deletionRoutes(ctx, services))
      await api.register(followsRoutes(ctx, services))
      await api.register(safetyRoutes(ctx, services))
      await api.register(postsRoutes(ctx, services))
      await api.register(likesRoutes(ctx))
      await api.register(bookmarksRoutes(ctx))
      await api.register(tagsRoutes(ctx))
      await api.register(searchRoutes(ctx))
      await api.register(commentsRoutes(ctx))
      await api.register(feedRoutes(ctx))
      await api.register(reportsRoutes(ctx))
      await api.register(adminRoutes(ctx, services), { prefix: '/admin' })
      await api.register(avatarRoutes(ctx, services))
      await api.register(hiddenMediaRoutes(ctx))
      await api.register(messagesRoutes(ctx, services))
      await api.register(notificationsRoutes(ctx))
      await api.register(notificationSettingsRoutes(ctx))
      await api.register(streamRoutes(ctx, streamHub, services))
      await api.register(consentRoutes(ctx, services))
    },
    { prefix: '/api/hearth/v1' },
  )
  // The Mastodon-compatible client API: /api/v1, /api/v2, /oauth, /.well-known, /nodeinfo.
  await app.register(mastodonRoutes(ctx, services))
  // Last: the web app's catch-all must lose to every route above.
  await app.register(webRoutes())

  return app
}
