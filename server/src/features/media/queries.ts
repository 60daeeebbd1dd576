import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm'
import { messages, posts, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'

// ---- media retention and the orphan sweeper (./maintenance.ts) ----

/** Deleted posts whose photos are due to leave storage (deleted before `cutoff`), oldest deletion first. */
export async function postsWithExpiredMedia(db: DbOrTx, cutoff: Date, limit: number): Promise<{ id: number; imageUrls: unknown }[]> {
  // The conditions are written out (not bound) so posts_media_retention_idx's predicate matches.
  return db
    .select({ id: posts.id, imageUrls: posts.imageUrls })
    .from(posts)
    .where(and(sql`${posts.isDeleted} AND ${posts.mediaRemovedAt} IS NULL AND ${posts.imageUrls} IS NOT NULL`, lt(posts.deletedAt, cutoff)))
    .orderBy(asc(posts.deletedAt))
    .limit(limit)
}

/**
 * Deleted posts whose photos are still in the public area (not hidden, not removed): the given ones,
 * or the oldest deletions first. The conditions are written out so posts_media_unhidden_idx matches.
 */
export async function postsWithPublicDeletedMedia(db: DbOrTx, ids: number[] | undefined, limit: number) {
  if (ids?.length === 0) return []
  return db
    .select({ id: posts.id, imageUrls: posts.imageUrls })
    .from(posts)
    .where(
      and(
        sql`${posts.isDeleted} AND ${posts.mediaHiddenAt} IS NULL AND ${posts.mediaRemovedAt} IS NULL AND ${posts.imageUrls} IS NOT NULL`,
        ids ? inArray(posts.id, ids) : undefined,
      ),
    )
    .orderBy(asc(posts.deletedAt))
    .limit(limit)
}

export async function markMediaHidden(db: DbOrTx, id: number): Promise<void> {
  await db
    .update(posts)
    .set({ mediaHiddenAt: sql`now()` })
    .where(and(eq(posts.id, id), isNull(posts.mediaHiddenAt)))
}

export async function markMediaRemoved(db: DbOrTx, ids: number[]): Promise<void> {
  if (ids.length === 0) return
  await db
    .update(posts)
    .set({ mediaRemovedAt: sql`now()` })
    .where(and(inArray(posts.id, ids), isNull(posts.mediaRemovedAt)))
}

/**
 * The given keys that some post (live or deleted) lists among its photos' keys: one probe of
 * posts_image_keys_idx per key (bench/results/design-measurements.md#photo-key-look-ups). The
 * expression is the index's, word for word.
 */
export async function keysReferencedByPosts(db: DbOrTx, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return []
  const found = await queryRows<{ key: string }>(
    db,
    sql`
    SELECT k.key FROM jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) AS k(key)
    WHERE EXISTS (
      SELECT 1 FROM ${posts} p
      WHERE p.image_urls IS NOT NULL
        AND jsonb_path_query_array(p.image_urls::jsonb, '$[*].keys[*]') @> jsonb_build_array(k.key)
    )`,
  )
  return found.map((r) => r.key)
}

/** The given keys that some message still holds as its attachment. */
export async function keysReferencedByMessages(db: DbOrTx, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return []
  const found = await db
    .selectDistinct({ key: messages.fileUrl })
    .from(messages)
    .where(and(isNotNull(messages.fileUrl), inArray(messages.fileUrl, keys)))
  return found.flatMap((r) => (r.key === null ? [] : [r.key]))
}

/**
 * Avatar URLs whose last segment is one of `names` (whatever base URL they were stored with).
 * `= ANY (ARRAY(...))` rather than `IN (SELECT ...)`: an array is probed on users_avatar_name_idx,
 * a set-returning function would be hash-joined against every user.
 */
export async function avatarUrlsNamed(db: DbOrTx, names: string[]): Promise<string[]> {
  if (names.length === 0) return []
  const found = await queryRows<{ url: string }>(
    db,
    sql`
    SELECT u.avatar_url AS url FROM ${users} u
    WHERE u.avatar_url IS NOT NULL
      AND substring(u.avatar_url from '[^/]+$') = ANY (ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(names)}::jsonb)))`,
  )
  return found.map((r) => r.url)
}
