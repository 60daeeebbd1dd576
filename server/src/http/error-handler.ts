import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Socket } from 'node:net'
import { MASTODON_API } from './auth.js'
import { AppError, titles, type FieldProblem } from './errors.js'
import { noteProblem } from './request-log.js'
import { isUnavailable } from '../platform/db/errors.js'

const RETRY_AFTER_SECONDS = 5

interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance?: string
  errors?: FieldProblem[]
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  p: Omit<Problem, 'type' | 'title'>,
  members: Record<string, string> = {},
) {
  const body: Problem = {
    ...members,
    type: 'about:blank',
    title: titles[p.status] ?? 'Error',
    ...p,
    instance: request.url.split('?')[0],
  }
  noteProblem(request, { code: p.code, detail: p.detail })
  return reply.code(p.status).type('application/problem+json').send(body)
}

// Fastify's own error codes for things a client sent, mapped to our stable codes.
const fastifyCodes: Record<string, { status: number; code: string; detail?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json', detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_json', detail: 'The JSON body is empty.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', detail: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', detail: 'This content type is not accepted here.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', detail: 'Content-Length does not match the body.' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'unsupported_media_type', detail: 'Expected multipart/form-data.' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'payload_too_large', detail: 'A file is larger than allowed.' },
  FST_PARTS_LIMIT: { status: 413, code: 'payload_too_large', detail: 'Too many parts in the form.' },
  FST_FILES_LIMIT: { status: 413, code: 'payload_too_large', detail: 'Too many files.' },
  FST_FIELDS_LIMIT: { status: 413, code: 'payload_too_large', detail: 'Too many fields.' },
  FST_PROTO_VIOLATION: { status: 400, code: 'bad_request', detail: 'The body contains a forbidden property name.' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_request', detail: 'The URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'bad_request' },
}

/** Turns ajv's validation output into field problems a form can show next to its inputs. */
function fieldProblems(error: FastifyError): FieldProblem[] {
  const ctx = error.validationContext ?? 'body'
  return (error.validation ?? []).map((v) => {
    const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.')
    const params = v.params
    let field = path
    let message = v.message ?? 'is invalid'
    if (v.keyword === 'required') field = [path, String(params.missingProperty)].filter(Boolean).join('.')
    if (v.keyword === 'additionalProperties') {
      field = [path, String(params.additionalProperty)].filter(Boolean).join('.')
      message = 'is not an accepted field'
    }
    if (v.keyword === 'required') message = 'is required'
    return { field: field ? `${ctx === 'body' ? '' : ctx + '.'}${field}` : ctx, message }
  })
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setNotFoundHandler((request, reply) =>
    // The Mastodon-compatible API answers errors as Mastodon does (features/mastodon).
    MASTODON_API.test(request.url)
      ? reply.code(404).send({ error: 'Record not found' })
      : sendProblem(reply, request, {
          status: 404,
          code: 'not_found',
          detail: `No route for ${request.method} ${request.url.split('?')[0]}.`,
        }),
  )

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      for (const [k, v] of Object.entries(error.extra.headers ?? {})) reply.header(k, v)
      return sendProblem(
        reply,
        request,
        {
          status: error.status,
          code: error.code,
          detail: error.message,
          errors: error.extra.errors,
        },
        error.extra.members,
      )
    }
    if (error.validation) {
      const errors = fieldProblems(error)
      const first = errors[0]
      return sendProblem(reply, request, {
        status: 400,
        code: 'validation_failed',
        detail: first ? `${first.field} ${first.message}` : 'The request is invalid.',
        errors,
      })
    }
    const known = error.code ? fastifyCodes[error.code] : undefined
    if (known) {
      return sendProblem(reply, request, { status: known.status, code: known.code, detail: known.detail ?? error.message })
    }
    // busboy (under @fastify/multipart) throws plain Errors for broken bodies
    if (
      /^(Unexpected end of form|Malformed part header|Multipart: Boundary not found|Unexpected end of multipart data)/.test(
        error.message ?? '',
      )
    ) {
      return sendProblem(reply, request, {
        status: 400,
        code: 'malformed_multipart',
        detail: 'The multipart/form-data body is malformed or incomplete.',
      })
    }
    if (error.statusCode === 429) {
      return sendProblem(reply, request, { status: 429, code: 'rate_limited', detail: error.message })
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      // Another 4xx raised by Fastify or a plugin: its message is written for clients.
      return sendProblem(reply, request, { status, code: 'bad_request', detail: error.message })
    }
    if (isUnavailable(error)) {
      // The database (or Redis) is down: nothing the client did; try again shortly.
      reply.header('retry-after', String(RETRY_AFTER_SECONDS))
      sendProblem(reply, request, {
        status: 503,
        code: 'service_unavailable',
        detail: `The service is temporarily unavailable. Try again in ${RETRY_AFTER_SECONDS} seconds.`,
      })
      noteProblem(request, { code: 'service_unavailable', detail: error.message, err: error })
      return reply
    }
    sendProblem(reply, request, {
      status: 500,
      code: 'internal_error',
      detail: 'Something went wrong on our side. The request id is ' + request.id + '.',
    })
    // the request's one log line (http/request-log.ts) carries the error
    noteProblem(request, { code: 'internal_error', detail: error.message, err: error })
    return reply
  })
}

// What Node's HTTP parser refuses before any route runs (headers or URL too large, a request
// line it cannot parse, a client too slow to send its headers), by the parser's error code.
const parserErrors: Record<string, { status: number; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers_too_large',
    detail: 'The request line and headers are larger than this server accepts; send a shorter URL or fewer headers.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', detail: 'The request took too long to arrive.' },
}

/**
 * Fastify's `clientErrorHandler`: answers what Node's HTTP parser refused with problem+json too
 * (Fastify's default writes `{"error": ...}`), then closes the connection, whose stream position
 * is unknown after a parse error.
 */
export function clientErrorHandler(this: { log: { debug: (o: object, m: string) => void } }, err: NodeJS.ErrnoException, socket: Socket) {
  // A reset connection has nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const known = (err.code && parserErrors[err.code]) || {
    status: 400,
    code: 'bad_request',
    detail: 'The request could not be parsed as HTTP.',
  }
  this.log.debug({ err, status: known.status }, 'refused a request the HTTP parser could not accept')
  if (socket.writable) {
    const body = JSON.stringify({ type: 'about:blank', title: titles[known.status] ?? 'Error', ...known })
    socket.write(
      `HTTP/1.1 ${known.status} ${titles[known.status] ?? 'Error'}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    )
  }
  socket.destroy()
}
