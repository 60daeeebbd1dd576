import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { authenticateToken, type AuthInfo, type TokenCheck } from '../../http/auth.js'
import { AppError, forbidden, unauthorized } from '../../http/errors.js'
import type { StreamHub } from './hub.js'

/** The subprotocol a browser offers next to `bearer.<access token>`; the server answers with it. */
export const STREAM_PROTOCOL = 'hearth.v1'
const BEARER_PROTOCOL = /^bearer\.([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/

/** Picks our protocol among those offered; never echoes the token-carrying one. */
export function selectProtocol(offered: Set<string>): string | false {
  return offered.has(STREAM_PROTOCOL) ? STREAM_PROTOCOL : false
}

function tokenFromProtocols(header: string | undefined): string | undefined {
  for (const p of (header ?? '').split(',')) {
    const m = BEARER_PROTOCOL.exec(p.trim())
    if (m) return m[1]
  }
  return undefined
}

const StreamQuery = Type.Object(
  {
    access_token: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4096, description: 'The access token (browsers cannot set headers on a WebSocket).' }),
    ),
    since: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Id of the last event received: everything after it is sent first.',
      }),
    ),
  },
  { additionalProperties: false },
)

export function streamRoutes(ctx: AppContext, hub: StreamHub, check: TokenCheck): FastifyPluginAsyncTypebox {
  const origins = new Set(ctx.config.webOrigins)
  const streams = new WeakMap<FastifyRequest, AuthInfo>()

  return async (app) => {
    app.get(
      '/stream',
      {
        websocket: true,
        schema: { querystring: StreamQuery },
        // Before the general rate limit (a preHandler), so the upgrade is counted under the account its
        // token names, not as anonymous traffic of its IP: browsers present the token as a subprotocol
        // or ?access_token, never as the Authorization header that sets req.auth for other routes.
        onRequest: async (req) => {
          const origin = req.headers.origin
          // Browsers always send Origin; a page on another site must not ride on a user's token.
          // Non-browser clients send none and authenticate with the token alone.
          if (origin !== undefined && !origins.has(origin)) {
            throw forbidden('Streams may only be opened from this site.', 'origin_forbidden')
          }
          const query = req.query as { access_token?: unknown }
          const token =
            typeof query.access_token === 'string' ? query.access_token : tokenFromProtocols(req.headers['sec-websocket-protocol'])
          if (token) req.auth = await authenticateToken(check, token)
        },
        // Runs before the upgrade, so a refusal is a plain HTTP problem response.
        preHandler: async (req) => {
          if (!req.ws)
            throw new AppError(426, 'upgrade_required', 'This endpoint speaks WebSocket only.', { headers: { upgrade: 'websocket' } })
          if (!req.auth)
            throw unauthorized('Present the access token as ?access_token=, a "bearer.<token>" subprotocol, or an Authorization header.')
          streams.set(req, req.auth)
        },
      },
      (socket, req) => {
        const auth = streams.get(req)!
        void hub.attach(socket, auth, req.query.since)
      },
    )
  }
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
})

/**
 * The stream's entry in the OpenAPI document. @fastify/websocket hides WebSocket routes from
 * @fastify/swagger, so app.ts adds this path item itself: third-party clients find the stream, its
 * authentication and its events where they find every other route.
 */
export const streamOpenApiPath = {
  get: {
    tags: ['stream'],
    summary: 'The realtime stream (WebSocket)',
    description: [
      'Upgrades to a WebSocket that pushes events as JSON text frames `{id, type, data}`:',
      '`message.created {message, sender}`, `message.read {conversationId, readerId, upToMessageId, count, readAt}`,',
      '`message.deleted {conversationId, messageId}`, `notification.created {notification}`, `notification.read`.',
      'Not stored, so without `id`: `typing {conversationId, userId}`, `stream.ready {lastEventId, complete}` (sent once',
      'the catch-up is done; `complete: false` when older events were pruned), `pong`.',
      'Clients may send `{"type":"typing","conversationId":N}` and `{"type":"ping"}`.',
      '',
      'Authenticate with `?access_token=`, an `Authorization: Bearer` header, or from browsers the subprotocols',
      `\`${STREAM_PROTOCOL}, bearer.<access token>\` (the server answers \`${STREAM_PROTOCOL}\`). Browser upgrades from another`,
      'origin are refused. Reconnect with `?since=<id of the last event received>` to receive what was missed; the',
      'events written up to 10 s before that one come again too (one may have committed after it): drop ids you have.',
      'Close codes: 4001 the session ended (sign-out, revocation, password change, blocking), 4003 the access token',
      'expired (refresh it and reconnect with `since`), 4008 the client fell too far behind, 1012 realtime was cut off and is back (reconnect with `since`), 1001 the server is',
      'shutting down.',
    ].join('\n'),
    security: [{ bearerAuth: [] }, {}],
    parameters: [
      {
        name: 'access_token',
        in: 'query',
        required: false,
        schema: { type: 'string', minLength: 1, maxLength: 4096 },
        description: 'The access token (browsers cannot set headers on a WebSocket).',
      },
      {
        name: 'since',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 0 },
        description: 'Id of the last event received: everything after it is sent first.',
      },
      {
        name: 'Sec-WebSocket-Protocol',
        in: 'header',
        required: false,
        schema: { type: 'string' },
        description: `\`${STREAM_PROTOCOL}, bearer.<access token>\``,
      },
    ],
    responses: {
      101: { description: 'Switching to the WebSocket protocol.' },
      400: problem('A query parameter is invalid (`validation_failed`).'),
      401: problem('No valid access token (`unauthorized`).'),
      403: problem('A browser upgrade from another origin (`origin_forbidden`).'),
      426: problem('A plain HTTP request: this endpoint speaks WebSocket only (`upgrade_required`).'),
    },
  },
}
