import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, IdParams } from '../../http/schemas.js'
import { Post } from '../posts/index.js'
import { BookmarksService } from './service.js'
import { BookmarkState } from './views.js'

export function bookmarksRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const bookmarks = new BookmarksService(ctx)
  return async (app) => {
    app.put(
      '/posts/:id/bookmark',
      {
        schema: {
          tags: ['bookmarks'],
          summary: 'Save a post (idempotent)',
          description: 'Saved posts are private: only the saver sees them, in GET /bookmarks and as `bookmarkedByMe`.',
          security: bearer,
          params: IdParams,
          response: { 200: BookmarkState, ...errors(400, 401, 404) },
        },
      },
      async (req) => bookmarks.save(requireUser(req).userId, req.params.id),
    )

    app.delete(
      '/posts/:id/bookmark',
      {
        schema: {
          tags: ['bookmarks'],
          summary: 'Unsave a post (idempotent)',
          security: bearer,
          params: IdParams,
          response: { 200: BookmarkState, ...errors(400, 401, 404) },
        },
      },
      async (req) => bookmarks.unsave(requireUser(req).userId, req.params.id),
    )

    app.get(
      '/bookmarks',
      {
        schema: {
          tags: ['bookmarks'],
          summary: 'The caller’s saved posts, newest saved first',
          description: 'Posts deleted since, or no longer visible to the caller, are left out.',
          security: bearer,
          querystring: Type.Object(PageQuery, { additionalProperties: false }),
          response: { 200: Page(Post), ...errors(400, 401) },
        },
      },
      async (req) => bookmarks.list(requireUser(req).userId, req.query.limit, req.query.cursor),
    )
  }
}
