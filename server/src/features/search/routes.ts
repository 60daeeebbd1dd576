import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { errors } from '../../http/schemas.js'
import { SearchService } from './service.js'
import { MAX_QUERY_CHARS, PostRef, SearchAll, SearchTag, SearchType, UserRef } from './views.js'

export function searchRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const search = new SearchService(ctx)
  return async (app) => {
    app.get(
      '/search',
      {
        schema: {
          tags: ['search'],
          summary: 'Search people, tags and posts',
          description:
            'People: username or display-name prefix; tags: name prefix (most used first, one page: no cursor); posts: every word of the query anywhere in the caption. ' +
            'Case and accents are ignored. Posts come by relevance (the words as the phrase typed first, then the rest), newest first within each. ' +
            'Without `type`, a few of each kind and no cursors (`limit` and `cursor` apply to one kind). Anonymous callers see what anyone may see.',
          querystring: Type.Object(
            {
              q: Type.String({
                minLength: 1,
                maxLength: MAX_QUERY_CHARS,
                pattern: '\\S',
                description: 'Words to search for (not only spaces).',
              }),
              type: Type.Optional(SearchType),
              ...PageQuery,
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Union([SearchAll, Page(UserRef), Page(SearchTag), Page(PostRef)]), ...errors(400) },
        },
      },
      async (req) => search.search(req.query.q, req.query.type, req.auth?.userId, req.query.limit, req.query.cursor),
    )
  }
}
