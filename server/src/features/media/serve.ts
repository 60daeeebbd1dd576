// Sending stored objects over HTTP with headers that make them safe to open in a browser.
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { StoredObject } from '../../platform/storage/types.js'

/** Keys never change content, so the key itself is a strong validator. */
const etagOf = (key: string) => `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`

/** A public object (post photo, avatar) from the disk storage; answers 304 to revalidations. */
export function sendPublicObject(request: FastifyRequest, reply: FastifyReply, key: string, object: StoredObject) {
  const etag = etagOf(key)
  reply
    .header('cache-control', object.cacheControl ?? 'public, max-age=31536000, immutable')
    .header('etag', etag)
    .header('x-content-type-options', 'nosniff')
    // Public photos may be embedded by any page (and by the app under another host name).
    .header('cross-origin-resource-policy', 'cross-origin')
  const ifNoneMatch = request.headers['if-none-match']
  if (ifNoneMatch && (ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))) {
    object.body.destroy()
    return reply.code(304).send()
  }
  return reply.type(object.contentType).header('content-length', object.size).send(object.body)
}

/**
 * A private object (message attachment), after the caller has checked who may read it. Images
 * display inline; anything else downloads. The sandboxing CSP and nosniff keep an uploaded
 * HTML or SVG file from ever running as a page of this origin.
 */
export function sendPrivateObject(reply: FastifyReply, object: StoredObject, filename: string) {
  const inline = /^image\/(webp|jpeg|png|gif|avif)$/.test(object.contentType)
  return reply
    .type(object.contentType)
    .header('content-length', object.size)
    .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', filename))
    .header('cache-control', 'private, max-age=3600')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(object.body)
}

/** RFC 6266: an ASCII fallback plus the UTF-8 name (RFC 8187) for every browser. */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const utf8 = encodeURIComponent(filename).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
  return `${type}; filename="${ascii}"; filename*=UTF-8''${utf8}`
}
