// Request bodies as Mastodon clients send them: JSON, form-encoded or multipart, with array
// parameters as `name[]=` and one level of nesting as `name[key]=` (Rails' conventions).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../../http/errors.js'

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])

/** Adds one `name=value` pair to a body object, following `name[]` and `name[key]`. */
export function addField(out: Record<string, unknown>, name: string, value: string) {
  const m = /^([^[\]]+)(?:\[([^[\]]*)\])?(\[\])?$/.exec(name)
  if (!m) return
  const [, base, key, list] = m as unknown as [string, string, string | undefined, string | undefined]
  if (FORBIDDEN.has(base) || (key !== undefined && FORBIDDEN.has(key))) return
  if (key === undefined) {
    out[base] = value
    return
  }
  if (key === '') {
    const arr = Array.isArray(out[base]) ? (out[base] as unknown[]) : (out[base] = [])
    arr.push(value)
    return
  }
  const obj =
    out[base] && typeof out[base] === 'object' && !Array.isArray(out[base]) ? (out[base] as Record<string, unknown>) : (out[base] = {})
  const nested = obj
  if (list) {
    const arr = Array.isArray(nested[key]) ? (nested[key] as unknown[]) : (nested[key] = [])
    arr.push(value)
  } else nested[key] = value
}

export function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of new URLSearchParams(body)) addField(out, name, value)
  return out
}

/**
 * Form-encoded bodies for the Mastodon routes only (the native API speaks JSON), and multipart
 * forms without files turned into a body before validation. Files (media uploads) are not taken yet.
 */
export function registerMastodonBodies(app: FastifyInstance) {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(body as string))
  })
  app.addHook('preValidation', async (req: FastifyRequest) => {
    if (!req.isMultipart()) return
    const out: Record<string, unknown> = {}
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        part.file.resume()
        throw new AppError(422, 'validation_failed', 'Validation failed: file uploads are not supported on this route yet.')
      }
      addField(out, part.fieldname, String(part.value))
    }
    req.body = out
  })
}
