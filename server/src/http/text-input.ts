// The one gate all text input passes before validation: JSON bodies, query strings, route params
// (and multipart text fields, through readMultipart). PostgreSQL cannot store NUL in text, and no
// person types one, so a NUL anywhere is refused with 400 naming the field, never a 500 later.
import type { FastifyInstance } from 'fastify'
import { badRequest } from './errors.js'

const MESSAGE = 'must not contain NUL (\\u0000) characters'

/** The path of the first string holding a NUL within `value` ('' for `value` itself), or null. */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null
  if (value === null || typeof value !== 'object') return null
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000')) return path ? `${path}.${k}` : k
    const found = findNul(v, path ? `${path}.${k}` : k)
    if (found !== null) return found
  }
  return null
}

/** Throws 400 validation_failed naming the field when `value` holds a NUL; `prefix` as in the error handler's field names. */
export function refuseNul(value: unknown, prefix = ''): void {
  const found = findNul(value)
  if (found === null) return
  const field = [prefix, found].filter(Boolean).join('.') || 'body'
  throw badRequest(`${field} ${MESSAGE}`, [{ field, message: MESSAGE }])
}

export function registerTextInputCheck(app: FastifyInstance) {
  app.addHook('preValidation', async (req) => {
    refuseNul(req.params, 'params')
    refuseNul(req.query, 'querystring')
    refuseNul(req.body)
  })
}
