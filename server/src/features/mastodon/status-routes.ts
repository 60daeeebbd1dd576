// Statuses (Hearth posts) and timelines, on the native services and read paths.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { AppError } from '../../http/errors.js'
import type { Services } from '../../services.js'
import { MAX_POST_CHARS, MAX_SPOILER_CHARS } from '../posts/index.js'
import { optionalUserScope, requireUserScope } from './auth.js'
import { PageParams, setLink } from './pagination.js'
import { Flag, flag, IdPath, numericId, oauth, tag } from './schemas.js'
import { notFoundAsRecord, type MastodonReads } from './service.js'

const unsupported = (what: string) =>
  new AppError(422, 'validation_failed', `Validation failed: ${what} is not supported by this server yet`)

export function statusRoutes(ctx: AppContext, _services: Services, reads: MastodonReads): FastifyPluginAsyncTypebox {
  const publicUrl = ctx.config.publicUrl
  return async (app) => {
    app.post(
      '/api/v1/statuses',
      {
        schema: {
          tags: tag('statuses'),
          summary: 'Post a status (text, content warning; photos, replies and direct messages not yet)',
          security: oauth('write:statuses'),
          body: Type.Object({
            status: Type.Optional(Type.String({ maxLength: MAX_POST_CHARS })),
            media_ids: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 })),
            in_reply_to_id: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
            sensitive: Type.Optional(Flag),
            spoiler_text: Type.Optional(Type.String({ maxLength: MAX_SPOILER_CHARS })),
            visibility: Type.Optional(Type.String({ maxLength: 20 })),
            poll: Type.Optional(Type.Unknown()),
            scheduled_at: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
          }),
        },
      },
      async (req) => {
        const me = requireUserScope(req, 'write:statuses')
        const b = req.body
        if (b.media_ids && b.media_ids.length > 0) throw unsupported('Attaching media')
        if (b.in_reply_to_id) throw unsupported('Replying')
        if (b.visibility === 'direct') throw unsupported('Direct visibility')
        if (b.poll) throw unsupported('A poll')
        if (b.scheduled_at) throw unsupported('Scheduling')
        if (!b.status?.trim()) throw new AppError(422, 'validation_failed', "Validation failed: Text can't be blank")
        const post = await reads.posts.create(me.userId, {
          content: b.status,
          files: [],
          alts: [],
          sensitive: flag(b.sensitive),
          spoilerText: b.spoiler_text ?? null,
        })
        return (await reads.statuses([post]))[0]
      },
    )

    app.get('/api/v1/statuses/:id', { schema: { tags: tag('statuses'), summary: 'A status', params: IdPath } }, async (req) =>
      reads.status(numericId(req.params.id), optionalUserScope(req, 'read:statuses')?.userId),
    )

    app.delete(
      '/api/v1/statuses/:id',
      {
        schema: {
          tags: tag('statuses'),
          summary: 'Delete a status: the deleted Status, with its text for redrafting',
          security: oauth('write:statuses'),
          params: IdPath,
        },
      },
      async (req) => {
        const me = requireUserScope(req, 'write:statuses')
        const id = numericId(req.params.id)
        const post = await reads.posts.get(id, me.userId).catch(notFoundAsRecord)
        const status = (await reads.statuses([post]))[0]!
        await reads.posts.remove(id, me).catch(notFoundAsRecord)
        return { ...status, text: post.content }
      },
    )

    for (const [action, like] of [
      ['favourite', true],
      ['unfavourite', false],
    ] as const) {
      app.post(
        `/api/v1/statuses/:id/${action}`,
        {
          schema: {
            tags: tag('statuses'),
            summary: like ? 'Like a status' : 'Remove a like',
            security: oauth('write:favourites'),
            params: IdPath,
          },
        },
        async (req) => {
          const me = requireUserScope(req, 'write:favourites')
          const id = numericId(req.params.id)
          await (like ? reads.likes.like(me.userId, id) : reads.likes.unlike(me.userId, id)).catch(notFoundAsRecord)
          return reads.status(id, me.userId)
        },
      )
    }

    app.get(
      '/api/v1/timelines/home',
      {
        schema: {
          tags: tag('timelines'),
          summary: 'Home timeline: the native home feed (Link pagination)',
          security: oauth('read:statuses'),
          querystring: Type.Object(PageParams),
        },
      },
      async (req, reply) => {
        const me = requireUserScope(req, 'read:statuses')
        const page = await reads.home(me.userId, req.query)
        setLink(req, reply, publicUrl, page)
        return page.items
      },
    )

    app.get(
      '/api/v1/timelines/public',
      {
        schema: {
          tags: tag('timelines'),
          summary: 'Public timeline: everyone’s public posts (Hearth does not federate, so local and remote are the same)',
          querystring: Type.Object({
            ...PageParams,
            local: Type.Optional(Flag),
            remote: Type.Optional(Flag),
            only_media: Type.Optional(Flag),
          }),
        },
      },
      async (req, reply) => {
        const viewer = optionalUserScope(req, 'read:statuses')?.userId
        // Nothing on this server is remote.
        if (flag(req.query.remote)) return []
        const page = await reads.publicTimeline(viewer, req.query)
        setLink(req, reply, publicUrl, page)
        return flag(req.query.only_media) ? page.items.filter((s) => s.media_attachments.length > 0) : page.items
      },
    )
  }
}
