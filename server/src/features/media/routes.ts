import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireAdmin, requireUser } from '../../http/auth.js'
import { fieldError, forbidden, notFound } from '../../http/errors.js'
import { bearer, errors } from '../../http/schemas.js'
import { DISK_MEDIA_ROUTE } from '../../platform/storage/index.js'
import { isPublicKey } from '../../platform/storage/types.js'
import type { UserCache } from '../users/index.js'
import { AvatarService } from './avatars.js'
import type { Media } from './types.js'
import { HiddenMediaUrls } from './hidden.js'
import { readMultipart } from './multipart.js'
import { sendPrivateObject, sendPublicObject } from './serve.js'

/**
 * `GET /media/<key>`: public objects of the disk storage (with S3, browsers load them from
 * S3_PUBLIC_URL instead and this route does not exist). Only keys under `public/` are served,
 * so private attachments cannot be fetched here even by someone who knows their key.
 */
export function mediaFileRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    if (ctx.storage.kind !== 'disk') return
    app.get(
      `${DISK_MEDIA_ROUTE}/*`,
      {
        // A feed page loads dozens of images: static files must not use up the API's rate limit.
        config: { rateLimit: false },
        schema: { hide: true, params: Type.Object({ '*': Type.String({ maxLength: 512 }) }) },
      },
      async (req, reply) => {
        const key = req.params['*']
        if (!isPublicKey(key)) throw notFound('Media')
        const object = await ctx.storage.get(key)
        if (!object) throw notFound('Media')
        return sendPublicObject(req, reply, key, object)
      },
    )
  }
}

/**
 * `GET /admin/media/<public key>` under /api/hearth/v1: a post photo for administrators, also once
 * its post is deleted and the photo has left the public area (until the retention job removes it).
 * The admin report view hands out signed URLs of this route (`exp`, `sig`), which <img> can load;
 * a Bearer token of an administrator works without them. Anyone else: 401/403.
 */
export function hiddenMediaRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const urls = new HiddenMediaUrls(ctx.config.jwtSecret, ctx.config.publicUrl, ctx.storage)
  return async (app) => {
    app.get(
      '/admin/media/*',
      {
        schema: {
          tags: ['admin'],
          summary: 'A post photo, for administrators (also of a deleted post, until retention ends)',
          description: 'Use the signed URL from the admin report view (`exp`, `sig`), or authenticate as an administrator.',
          params: Type.Object({ '*': Type.String({ maxLength: 512 }) }),
          querystring: Type.Object(
            {
              exp: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 40 })),
              sig: Type.Optional(Type.String({ maxLength: 100 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Unsafe({ type: 'string', format: 'binary' }), ...errors(400, 401, 403, 404) },
        },
        // Like every admin route, anyone else is refused before anything is validated or read.
        onRequest: async (req) => {
          const { exp, sig } = req.query as { exp?: unknown; sig?: unknown }
          if (exp === undefined || sig === undefined) {
            requireAdmin(req)
            return
          }
          const key = req.params['*']
          const valid = typeof exp === 'string' && /^\d{1,13}$/.test(exp) && typeof sig === 'string' && urls.verify(key, Number(exp), sig)
          if (!valid) throw forbidden('This media link is invalid or has expired.', 'invalid_signature')
        },
      },
      async (req, reply) => {
        const key = req.params['*']
        const object = await urls.open(key)
        if (!object) throw notFound('Media')
        return sendPrivateObject(reply, object, key.slice(key.lastIndexOf('/') + 1))
      },
    )
  }
}

const AvatarUrl = Type.Object({ avatarUrl: Type.String({ format: 'uri' }) })

/** `PUT /users/me/avatar` (multipart `file`) and `DELETE /users/me/avatar`, under /api/hearth/v1. */
export function avatarRoutes(ctx: AppContext, services: { users: UserCache; media: Media }): FastifyPluginAsyncTypebox {
  const avatars = new AvatarService(ctx, services.users, services.media)
  return async (app) => {
    app.put(
      '/users/me/avatar',
      {
        schema: {
          tags: ['users'],
          summary: 'Replace the caller’s avatar',
          description:
            'multipart/form-data with one image in the field `file` (JPEG, PNG, WebP, GIF, AVIF or HEIF, sniffed from its bytes). ' +
            'It is auto-rotated, stripped of metadata, square-cropped and stored as 400 px and 96 px WebP; the previous avatar is deleted.',
          consumes: ['multipart/form-data'],
          security: bearer,
          response: { 200: AvatarUrl, ...errors(400, 401, 413, 415, 422) },
        },
      },
      async (req) => {
        const { userId } = requireUser(req)
        const { files } = await readMultipart(req, {
          fileField: 'file',
          maxFiles: 1,
          maxFileBytes: ctx.config.media.maxImageBytes,
          images: true,
        })
        const [file] = files
        if (!file) throw fieldError('file', 'is required: send the image in the multipart field "file"')
        return avatars.replace(userId, file)
      },
    )

    app.delete(
      '/users/me/avatar',
      {
        schema: {
          tags: ['users'],
          summary: 'Remove the caller’s avatar',
          security: bearer,
          response: { 204: Type.Null(), ...errors(401) },
        },
      },
      async (req, reply) => {
        await avatars.remove(requireUser(req).userId)
        return reply.code(204).send(null)
      },
    )
  }
}
