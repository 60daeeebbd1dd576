// Shared helpers for the social features' test suites (posts, likes, comments, follows, feed).
import { eq, sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { comments, posts, users } from '../../db/schema.js'
import { json, type Session, type TestApp } from '../../../test/helpers.js'

type Headers = Record<string, string>

export function api(t: TestApp) {
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, headers: Headers = {}, payload?: unknown) =>
    t.app.inject({ method, url: `/api/hearth/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) })
  return {
    get: (url: string, s?: Session | null) => call('GET', url, s?.headers),
    post: (url: string, s: Session | null, payload?: unknown) => call('POST', url, s?.headers, payload),
    put: (url: string, s: Session | null) => call('PUT', url, s?.headers),
    patch: (url: string, s: Session | null, payload?: unknown) => call('PATCH', url, s?.headers, payload),
    del: (url: string, s: Session | null) => call('DELETE', url, s?.headers),
    /** Creates a text post and returns its presented body. */
    async createPost(s: Session, content = 'hello world') {
      const res = await call('POST', '/posts', s.headers, { content })
      if (res.statusCode !== 201) throw new Error(`createPost failed: ${res.statusCode} ${res.body}`)
      return json(res)
    },
    async comment(s: Session, postId: number, content = 'a comment', parentCommentId?: number) {
      const res = await call('POST', `/posts/${postId}/comments`, s.headers, parentCommentId ? { content, parentCommentId } : { content })
      if (res.statusCode !== 201) throw new Error(`comment failed: ${res.statusCode} ${res.body}`)
      return json(res)
    },
    async follow(s: Session, userId: number) {
      const res = await call('PUT', `/users/${userId}/follow`, s.headers)
      if (res.statusCode !== 200) throw new Error(`follow failed: ${res.statusCode} ${res.body}`)
      return json(res)
    },
    /** Walks every page of a list, asserting the page size, and returns all items. */
    async all(url: string, s: Session | null, limit: number) {
      const items: any[] = []
      let cursor: string | null = null
      for (let pages = 0; pages < 1000; pages++) {
        const sep = url.includes('?') ? '&' : '?'
        const res = await call('GET', `${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, s?.headers)
        if (res.statusCode !== 200) throw new Error(`list failed: ${res.statusCode} ${res.body}`)
        const body = json(res)
        expect(body.items.length).toBeLessThanOrEqual(limit)
        items.push(...body.items)
        cursor = body.nextCursor
        if (!cursor) return items
      }
      throw new Error('too many pages')
    },
  }
}

/** Blocks (or unblocks) an account directly, as the admin feature would. */
export async function setBlocked(t: TestApp, userId: number, blocked: boolean) {
  await t.ctx.database.db.update(users).set({ isBlocked: blocked }).where(eq(users.id, userId))
}

/** The counter columns and the row counts they stand for, to compare. */
export async function userCounters(t: TestApp, userId: number) {
  const db = t.ctx.database.db
  const [row] = await db
    .select({
      followersCount: users.followersCount,
      followingCount: users.followingCount,
      postsCount: users.postsCount,
      followersRows: sql<number>`(SELECT count(*)::int FROM follows WHERE following_id = ${userId})`,
      followingRows: sql<number>`(SELECT count(*)::int FROM follows WHERE follower_id = ${userId})`,
      postsRows: sql<number>`(SELECT count(*)::int FROM posts WHERE user_id = ${userId} AND NOT is_deleted)`,
    })
    .from(users)
    .where(eq(users.id, userId))
  return row!
}

export async function postCounters(t: TestApp, postId: number) {
  const db = t.ctx.database.db
  const [row] = await db
    .select({
      likeCount: posts.likeCount,
      commentCount: posts.commentCount,
      likeRows: sql<number>`(SELECT count(*)::int FROM likes WHERE post_id = ${postId})`,
      commentRows: sql<number>`(SELECT count(*)::int FROM comments WHERE post_id = ${postId} AND NOT is_deleted)`,
    })
    .from(posts)
    .where(eq(posts.id, postId))
  return row!
}

export async function replyCounter(t: TestApp, commentId: number) {
  const [row] = await t.ctx.database.db
    .select({
      replyCount: comments.replyCount,
      replyRows: sql<number>`(SELECT count(*)::int FROM comments r WHERE r.parent_comment_id = ${commentId} AND NOT r.is_deleted)`,
    })
    .from(comments)
    .where(eq(comments.id, commentId))
  return row!
}

/**
 * Counts the SQL statements `fn` sends, by wrapping the driver's `query` (a pg.Pool or a PGlite
 * instance under Drizzle). Statements inside transactions go through pooled clients and are not
 * counted; read paths do not use transactions.
 */
export async function countQueries<T>(t: TestApp, fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const client = (t.ctx.database.db as unknown as { $client: { query: (...args: unknown[]) => unknown } }).$client
  const original = client.query
  const queries: string[] = []
  client.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0]
    queries.push(typeof q === 'string' ? q : String((q as { text?: string })?.text ?? q))
    return original.apply(this, args)
  }
  try {
    return { result: await fn(), queries }
  } finally {
    client.query = original
  }
}
