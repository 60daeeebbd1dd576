import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { authenticateToken, type AuthInfo } from '../../http/auth.js'
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

const redactToken = (url: string) => url.replace(/([?&]access_token=)[^&]*/, '$1[redacted]')

const StreamQuery = Type.Object(
  {
    access_token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'The access token (browsers cannot set headers on a WebSocket).' })),
    since: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Id of the last event received: everything after it is sent first.' })),
  },
  { additionalProperties: false },
)

export function streamRoutes(ctx: AppContext, hub: StreamHub): FastifyPluginAsyncTypebox {
  const ownOrigin = new URL(ctx.config.publicUrl).origin
  const streams = new WeakMap<FastifyRequest, AuthInfo>()

  return async (app) => {
    app.get(
      '/stream',
      {
        websocket: true,
        schema: { querystring: StreamQuery },
        // The request log line must not carry the access token.
        logSerializers: { req: (req: FastifyRequest) => ({ method: req.method, url: redactToken(req.url), remoteAddress: req.ip }) },
        // Runs before the upgrade, so a refusal is a plain HTTP problem response.
        preHandler: async (req) => {
          if (!req.ws) throw new AppError(426, 'upgrade_required', 'This endpoint speaks WebSocket only.', { headers: { upgrade: 'websocket' } })
          const origin = req.headers.origin
          // Browsers always send Origin; a page on another site must not ride on a user's token.
          // Non-browser clients send none and authenticate with the token alone.
          if (origin !== undefined && origin !== ownOrigin) {
            throw forbidden('Streams may only be opened from this site.', 'origin_forbidden')
          }
          const token = req.query.access_token ?? tokenFromProtocols(req.headers['sec-websocket-protocol'])
          const auth = token ? await authenticateToken(ctx, token) : req.auth
          if (!auth) throw unauthorized('Present the access token as ?access_token=, a "bearer.<token>" subprotocol, or an Authorization header.')
          streams.set(req, auth)
        },
      },
      (socket, req) => {
        const auth = streams.get(req)!
        void hub.attach(socket, auth, req.query.since)
      },
    )
  }
}
