// Mastodon's pagination: `max_id` / `since_id` / `min_id` / `limit` in, a `Link` header out.
// Clients hand back post ids; Hearth's lists page on (created_at, id) keyset cursors, so an id is
// turned into that post's exact place in the order (queries.postTimeKey) and into the one cursor
// format of lib/keyset.ts. The lists themselves are the native ones (features/feed, posts).
import { Type } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { decodeCursor, encodeCursor } from '../../lib/keyset.js'
import type { Db } from '../../platform/db/index.js'
import * as q from './queries.js'

const IdParam = Type.String({ pattern: '^[0-9]{1,10}$' })

export const PageParams = {
  max_id: Type.Optional(IdParam),
  since_id: Type.Optional(IdParam),
  min_id: Type.Optional(IdParam),
  limit: Type.Integer({ minimum: 1, maximum: 40, default: 20 }),
}

export interface PageInput {
  max_id?: string
  since_id?: string
  min_id?: string
  limit: number
}

/** The native cursor for `max_id`: the posts after that one, newest first. `null`: an unknown post, so an empty page. */
export async function cursorForMaxId(db: Db, maxId: string | undefined): Promise<string | undefined | null> {
  if (maxId === undefined) return undefined
  const key = await q.postTimeKey(db, Number(maxId))
  return key ? encodeCursor([key.at, key.id]) : null
}

/**
 * `since_id` / `min_id`: only posts newer than that one. Both are served as the newest page above
 * the bound (what `since_id` means); `min_id`, which Mastodon answers with the page just above the
 * bound, differs only when more than a page lies between.
 */
export async function newerThan(db: Db, input: PageInput) {
  const id = input.min_id ?? input.since_id
  if (id === undefined) return undefined
  const key = await q.postTimeKey(db, Number(id))
  // `at` has microseconds; the presented createdAt milliseconds.
  return key ? { at: `${key.at.slice(0, 23)}Z`, id: key.id } : { at: '', id: Number(id) }
}

export function keepNewer<T extends { id: number; createdAt: string }>(items: T[], bound: { at: string; id: number } | undefined): T[] {
  if (!bound) return items
  return items.filter((p) => p.createdAt > bound.at || (p.createdAt === bound.at && p.id > bound.id))
}

/** The id a next page starts below: the skeleton's last post (seen or not), from the native cursor. */
export function nextMaxId(nextCursor: string | null): number | undefined {
  if (!nextCursor) return undefined
  const key = decodeCursor<[string, number]>(nextCursor, ['string', 'number'])
  return key?.[1]
}

/** Sets Mastodon's `Link` header: `next` (older, `max_id`) and `prev` (newer, `min_id`). */
export function setLink(req: FastifyRequest, reply: FastifyReply, publicUrl: string, page: { firstId?: number; nextMaxId?: number }) {
  const path = req.url.split('?')[0]!
  const base = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '')
  for (const k of ['max_id', 'since_id', 'min_id']) base.delete(k)
  const link = (k: string, v: number) => {
    const p = new URLSearchParams(base)
    p.set(k, String(v))
    return `${publicUrl}${path}?${p.toString()}`
  }
  const parts: string[] = []
  if (page.nextMaxId !== undefined) parts.push(`<${link('max_id', page.nextMaxId)}>; rel="next"`)
  if (page.firstId !== undefined) parts.push(`<${link('min_id', page.firstId)}>; rel="prev"`)
  if (parts.length > 0) reply.header('link', parts.join(', '))
}
