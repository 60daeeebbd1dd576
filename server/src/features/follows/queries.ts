import { and, eq, inArray, sql } from 'drizzle-orm'
import { follows, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { cursorAt, newestFirst, type TimeKey } from '../../lib/keyset.js'

/** True when this call created the follow; the unique (follower, following) index settles races. */
export async function insertFollow(tx: DbOrTx, followerId: number, followingId: number): Promise<boolean> {
  const rows = await tx.insert(follows).values({ followerId, followingId }).onConflictDoNothing().returning({ id: follows.id })
  return rows.length > 0
}

/** True when this call removed the follow. */
export async function deleteFollow(tx: DbOrTx, followerId: number, followingId: number): Promise<boolean> {
  const rows = await tx
    .delete(follows)
    .where(and(eq(follows.followerId, followerId), eq(follows.followingId, followingId)))
    .returning({ id: follows.id })
  return rows.length > 0
}

/**
 * Moves both counters. The two rows are locked in id order first, whoever follows whom, so two
 * people following each other at the same moment cannot deadlock.
 */
export async function adjustFollowCounters(tx: DbOrTx, followerId: number, followingId: number, delta: -1 | 1) {
  const pair = [followerId, followingId]
  await tx.select({ id: users.id }).from(users).where(inArray(users.id, pair)).orderBy(users.id).for('no key update')
  await tx
    .update(users)
    .set({
      followingCount: sql`${users.followingCount} + CASE WHEN ${users.id} = ${followerId} THEN ${delta}::int ELSE 0 END`,
      followersCount: sql`${users.followersCount} + CASE WHEN ${users.id} = ${followingId} THEN ${delta}::int ELSE 0 END`,
    })
    .where(inArray(users.id, pair))
}

export async function followersCountOf(db: DbOrTx, userId: number): Promise<number> {
  const [row] = await db.select({ n: users.followersCount }).from(users).where(eq(users.id, userId))
  return row?.n ?? 0
}

const listColumns = {
  followId: follows.id,
  at: cursorAt(follows.createdAt),
  followedAt: follows.createdAt,
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  avatarUrl: users.avatarUrl,
}

/** Who follows `userId`, newest first (follows_followers_list_idx); blocked accounts left out. */
export async function listFollowers(db: DbOrTx, userId: number, before: TimeKey, limit: number) {
  return db
    .select(listColumns)
    .from(follows)
    .innerJoin(users, eq(users.id, follows.followerId))
    .where(
      and(
        eq(follows.followingId, userId),
        eq(users.isBlocked, false),
        sql`(${follows.createdAt}, ${follows.id}) < (${before.at}::timestamptz, ${before.id}::int)`,
      ),
    )
    .orderBy(...newestFirst(follows.createdAt, follows.id))
    .limit(limit + 1)
}

/** Whom `userId` follows, newest first (follows_following_list_idx); blocked accounts left out. */
export async function listFollowing(db: DbOrTx, userId: number, before: TimeKey, limit: number) {
  return db
    .select(listColumns)
    .from(follows)
    .innerJoin(users, eq(users.id, follows.followingId))
    .where(
      and(
        eq(follows.followerId, userId),
        eq(users.isBlocked, false),
        sql`(${follows.createdAt}, ${follows.id}) < (${before.at}::timestamptz, ${before.id}::int)`,
      ),
    )
    .orderBy(...newestFirst(follows.createdAt, follows.id))
    .limit(limit + 1)
}

/** Hydrate: which of `ids` the viewer follows, in one query. */
export async function followedAmong(db: DbOrTx, viewerId: number, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .select({ id: follows.followingId })
    .from(follows)
    .where(and(eq(follows.followerId, viewerId), inArray(follows.followingId, ids)))
  return new Set(rows.map((r) => r.id))
}
