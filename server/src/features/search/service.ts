import type { AppContext } from '../../context.js'
import { boundBefore, checkTimeKey, decodeCursor, invalidCursor } from '../../lib/keyset.js'
import { searchTags } from '../tags/index.js'
import { searchPeople } from '../users/index.js'
import { FIRST_SCORE, latestPostId, searchPostsPage, type SearchPosition } from './queries.js'
import { PREVIEW_SIZE } from './views.js'

export type SearchKind = 'users' | 'tags' | 'posts'

export class SearchService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.database.db
  }

  /** One kind, paged; or, without a kind, the first few of each. Anonymous viewers search what anyone may see. */
  async search(query: string, kind: SearchKind | undefined, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    const text = query.trim()
    switch (kind) {
      case 'users':
        return this.people(text, viewerId, limit, cursor)
      case 'tags':
        return this.tags(text, limit, cursor)
      case 'posts':
        return this.posts(text, viewerId, limit, cursor)
      case undefined: {
        const [users, tags, posts] = await Promise.all([
          this.people(text, viewerId, PREVIEW_SIZE, undefined),
          this.tags(text, PREVIEW_SIZE, undefined),
          this.posts(text, viewerId, PREVIEW_SIZE, undefined),
        ])
        return { users: users.items, tags: tags.items, posts: posts.items }
      }
    }
  }

  /** "@ana" finds ana: the @ of a mention is not part of a username. */
  private people(text: string, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    const name = text.replace(/^@+/, '').trim()
    if (name === '') return Promise.resolve({ items: [], nextCursor: null })
    return searchPeople(this.db, name, viewerId, limit, cursor)
  }

  /**
   * Tags by name prefix, through the tags feature (most used first, then by name). That order is
   * not a keyset one, so tags come as one page of up to `limit` and never a next cursor.
   */
  private async tags(text: string, limit: number, _cursor: string | undefined) {
    return { items: await searchTags(this.db, text, limit), nextCursor: null }
  }

  private async posts(text: string, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    const after = decodePostCursor(cursor) ?? { bound: await latestPostId(this.db), score: FIRST_SCORE, key: boundBefore(undefined) }
    return searchPostsPage(this.db, text, viewerId, after, limit)
  }
}

/** A post search cursor is (bound, score, created_at, id), as queries.ts explains. */
function decodePostCursor(cursor: string | undefined): SearchPosition | undefined {
  const values = decodeCursor<[number, number, string, number]>(cursor, ['number', 'number', 'string', 'number'])
  if (!values) return undefined
  const [bound, score, at, id] = values
  if (bound < 0 || bound > 2_147_483_647 || score < 0 || score >= FIRST_SCORE) throw invalidCursor()
  return { bound, score, key: checkTimeKey(at, id) }
}
