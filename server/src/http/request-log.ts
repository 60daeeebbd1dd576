// One line per request, written when its response has gone out (Fastify's own two lines per
// request are turned off in app.ts). Health checks and static files log at debug; refusals (403,
// 429: origin refused, rate limit, lockout) at warn with the reason the client was given; server
// errors at error. URLs are logged with query-string values redacted, except a few harmless ones:
// signed attachment URLs, OAuth codes and state, link intents, stream access tokens and mailed
// links' tokens all travel in query strings. Bodies are never logged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** Query parameters whose values say nothing secret or personal (paging, filters, dates). */
const HARMLESS_PARAMS = new Set([
  'limit',
  'cursor',
  'since',
  'from',
  'to',
  'unread',
  'blocked',
  'role',
  'status',
  'targetType',
  'targetId',
  'actorId',
  'link',
  'error',
])

export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      if (eq < 0) return pair
      const name = pair.slice(0, eq)
      return HARMLESS_PARAMS.has(name) ? pair : `${name}=[redacted]`
    })
  return `${url.slice(0, q)}?${parts.join('&')}`
}

const problems = new WeakMap<FastifyRequest, { code: string; detail: string; err?: unknown }>()

/** The error handler tells the log line why a request was refused, or what failed. */
export function noteProblem(request: FastifyRequest, problem: { code: string; detail: string; err?: unknown }) {
  problems.set(request, problem)
}

function isQuiet(request: FastifyRequest): boolean {
  const route = request.routeOptions.url
  if (route === '/healthz' || route === '/readyz') return true
  // the web app's files and the photo files: many per page view, and each says little
  return (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/')
}

export function registerRequestLog(app: FastifyInstance) {
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const status = reply.statusCode
    const line = {
      method: request.method,
      url: redactUrl(request.url),
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      userId: request.auth?.userId,
    }
    const problem = problems.get(request)
    if (status >= 500) request.log.error({ ...line, reason: problem?.code, err: problem?.err }, 'request failed')
    else if (status === 403 || status === 429)
      request.log.warn({ ...line, reason: problem?.code, detail: problem?.detail }, 'request refused')
    else if (isQuiet(request)) request.log.debug(line, 'request')
    else request.log.info(line, 'request')
    done()
  })
}
