// Errors a client can cause, each with a stable machine `code` (listed in the README under Architecture, and in /api/openapi.json).
// One handler (error-handler.ts) turns them into RFC 9457 problem+json.

export interface FieldProblem {
  field: string
  message: string
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** `members`: RFC 9457 extension members added to the problem (e.g. a sign-in's `challenge`). */
    readonly extra: { errors?: FieldProblem[]; headers?: Record<string, string>; members?: Record<string, string> } = {},
  ) {
    super(message)
  }
}

export const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

export const badRequest = (message: string, errors?: FieldProblem[]) => new AppError(400, 'validation_failed', message, { errors })
/**
 * One field's problem. `problem` continues the field's name, as schema validation's messages do
 * ("is required", "must not be your username"): clients show it after the field's label, so it
 * never starts with the field's name itself. `detail` is the whole sentence for the problem's `detail`.
 */
export const fieldError = (field: string, problem: string, detail = `${field} ${problem}.`) =>
  badRequest(detail, [{ field, message: problem }])
export const unauthorized = (message = 'Authentication is required.', code = 'unauthorized') => new AppError(401, code, message)
export const forbidden = (message = 'You are not allowed to do this.', code = 'forbidden') => new AppError(403, code, message)
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found.`)
export const conflict = (message: string, code = 'conflict', errors?: FieldProblem[]) => new AppError(409, code, message, { errors })
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', `Too many requests. Try again in ${retryAfterSeconds} seconds.`, {
    headers: { 'retry-after': String(retryAfterSeconds) },
  })
export const payloadTooLarge = (message: string) => new AppError(413, 'payload_too_large', message)
export const unsupportedMediaType = (message: string) => new AppError(415, 'unsupported_media_type', message)
