// Accounts: the signed-in person, profiles, their statuses, relationships and follows.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import type { Services } from '../../services.js'
import { optionalUserScope, requireUserScope } from './auth.js'
import { PageParams, setLink } from './pagination.js'
import { Flag, flag, IdPath, numericId, oauth, tag } from './schemas.js'
import { notFoundAsRecord, type MastodonReads } from './service.js'

export function accountRoutes(ctx: AppContext, _services: Services, reads: MastodonReads): FastifyPluginAsyncTypebox {
  const publicUrl = ctx.config.publicUrl
  return async (app) => {
    app.get(
      '/api/v1/accounts/verify_credentials',
      {
        schema: {
          tags: tag('accounts'),
          summary: 'The signed-in account, with its source (CredentialAccount)',
          security: oauth('read:accounts'),
        },
      },
      async (req) => reads.credentials(requireUserScope(req, 'read:accounts').userId),
    )

    app.get(
      '/api/v1/accounts/lookup',
      {
        schema: {
          tags: tag('accounts'),
          summary: 'An account by its username (acct)',
          querystring: Type.Object({ acct: Type.String({ minLength: 1, maxLength: 300 }) }),
        },
      },
      async (req) => reads.lookup(req.query.acct, optionalUserScope(req, 'read:accounts')?.userId),
    )

    app.get(
      '/api/v1/accounts/relationships',
      {
        schema: {
          tags: tag('accounts'),
          summary: 'The caller’s relationships with the given accounts (id[]=)',
          security: oauth('read:follows'),
          querystring: Type.Object({
            id: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 100 })),
            'id[]': Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 100 })),
          }),
        },
      },
      async (req) => {
        const me = requireUserScope(req, 'read:follows')
        const ids = [...(req.query.id ?? []), ...(req.query['id[]'] ?? [])].filter(
          (s) => /^[0-9]{1,10}$/.test(s) && Number(s) <= 2_147_483_647,
        )
        return reads.relationships(me.userId, [...new Set(ids.map(Number))])
      },
    )

    app.get('/api/v1/accounts/:id', { schema: { tags: tag('accounts'), summary: 'An account', params: IdPath } }, async (req) =>
      reads.account(numericId(req.params.id), optionalUserScope(req, 'read:accounts')?.userId),
    )

    app.get(
      '/api/v1/accounts/:id/statuses',
      {
        schema: {
          tags: tag('accounts'),
          summary: 'An account’s statuses, newest first (Link pagination)',
          params: IdPath,
          querystring: Type.Object({
            ...PageParams,
            only_media: Type.Optional(Flag),
            exclude_replies: Type.Optional(Flag),
            exclude_reblogs: Type.Optional(Flag),
            pinned: Type.Optional(Flag),
            tagged: Type.Optional(Type.String({ maxLength: 100 })),
          }),
        },
      },
      async (req, reply) => {
        const viewer = optionalUserScope(req, 'read:statuses')?.userId
        const id = numericId(req.params.id)
        // Hearth has no pinned posts; a profile that exists answers none.
        if (flag(req.query.pinned)) {
          await reads.account(id, viewer)
          return []
        }
        const page = await reads.accountStatuses(id, viewer, req.query)
        setLink(req, reply, publicUrl, page)
        // Every Hearth post is an original (no replies, no reblogs); only_media keeps those with photos.
        return flag(req.query.only_media) ? page.items.filter((s) => s.media_attachments.length > 0) : page.items
      },
    )

    app.post(
      '/api/v1/accounts/:id/follow',
      {
        schema: {
          tags: tag('accounts'),
          summary: 'Follow (a request, for a private account): the Relationship',
          security: oauth('write:follows'),
          params: IdPath,
        },
      },
      async (req) => {
        const me = requireUserScope(req, 'write:follows')
        const id = numericId(req.params.id)
        await reads.follows.follow(me.userId, id).catch(notFoundAsRecord)
        return reads.relationship(me.userId, id)
      },
    )

    app.post(
      '/api/v1/accounts/:id/unfollow',
      {
        schema: {
          tags: tag('accounts'),
          summary: 'Unfollow, or withdraw a request: the Relationship',
          security: oauth('write:follows'),
          params: IdPath,
        },
      },
      async (req) => {
        const me = requireUserScope(req, 'write:follows')
        const id = numericId(req.params.id)
        await reads.follows.unfollow(me.userId, id).catch(notFoundAsRecord)
        return reads.relationship(me.userId, id)
      },
    )
  }
}
