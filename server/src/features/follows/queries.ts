import { and, eq, inArray, sql, type SQL } from 'drizzle-orm'
import { followRequests, follows, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { addFollowersInBulk, adjustFollowCounts } from '../users/index.js'
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

export async function followersCountOf(db: DbOrTx, userId: number): Promise<number> {
  const [row] = await db.select({ n: users.followersCount }).from(users).where(eq(users.id, userId))
  return row?.n ?? 0
}

/** The listed person's id column, for the caller's visibility filter (`visible`). */
export const listedUserId = users.id

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
export async function listFollowers(db: DbOrTx, userId: number, before: TimeKey, limit: number, visible: SQL) {
  return db
    .select(listColumns)
    .from(follows)
    .innerJoin(users, eq(users.id, follows.followerId))
    .where(
      and(
        eq(follows.followingId, userId),
        eq(users.isBlocked, false),
        visible,
        sql`(${follows.createdAt}, ${follows.id}) < (${before.at}::timestamptz, ${before.id}::int)`,
      ),
    )
    .orderBy(...newestFirst(follows.createdAt, follows.id))
    .limit(limit + 1)
}

/** Whom `userId` follows, newest first (follows_following_list_idx); blocked accounts left out. */
export async function listFollowing(db: DbOrTx, userId: number, before: TimeKey, limit: number, visible: SQL) {
  return db
    .select(listColumns)
    .from(follows)
    .innerJoin(users, eq(users.id, follows.followingId))
    .where(
      and(
        eq(follows.followerId, userId),
        eq(users.isBlocked, false),
        visible,
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

/**
 * A block ends follows both ways, each counter moved with it. The caller holds both users' rows
 * (safety's lockPair), so nothing can follow in between.
 */
export async function removeFollowsBetween(tx: DbOrTx, a: number, b: number): Promise<void> {
  if (await deleteFollow(tx, a, b)) await adjustFollowCounts(tx, a, b, -1)
  if (await deleteFollow(tx, b, a)) await adjustFollowCounts(tx, b, a, -1)
}

/** A block withdraws pending follow requests both ways. */
export async function removeFollowRequestsBetween(tx: DbOrTx, a: number, b: number): Promise<void> {
  await deleteFollowRequest(tx, a, b)
  await deleteFollowRequest(tx, b, a)
}

/** True when this call created the request; the unique pair index settles double submits. */
export async function insertFollowRequest(tx: DbOrTx, requesterId: number, targetId: number): Promise<boolean> {
  const rows = await tx.insert(followRequests).values({ requesterId, targetId }).onConflictDoNothing().returning({ id: followRequests.id })
  return rows.length > 0
}

/**
 * True when this call removed the request. Accept, reject and withdraw all start here, so when
 * they race exactly one of them finds the row and acts.
 */
export async function deleteFollowRequest(tx: DbOrTx, requesterId: number, targetId: number): Promise<boolean> {
  const rows = await tx
    .delete(followRequests)
    .where(and(eq(followRequests.requesterId, requesterId), eq(followRequests.targetId, targetId)))
    .returning({ id: followRequests.id })
  return rows.length > 0
}

export async function isFollowingRow(tx: DbOrTx, followerId: number, followingId: number): Promise<boolean> {
  const [row] = await tx
    .select({ id: follows.id })
    .from(follows)
    .where(and(eq(follows.followerId, followerId), eq(follows.followingId, followingId)))
    .limit(1)
  return row !== undefined
}

/** Incoming requests, newest first (follow_requests_incoming_idx); suspended requesters left out. */
export async function listIncomingRequests(db: DbOrTx, targetId: number, before: TimeKey, limit: number) {
  return db
    .select({
      rowId: followRequests.id,
      at: cursorAt(followRequests.createdAt),
      requestedAt: followRequests.createdAt,
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarUrl: users.avatarUrl,
    })
    .from(followRequests)
    .innerJoin(users, eq(users.id, followRequests.requesterId))
    .where(
      and(
        eq(followRequests.targetId, targetId),
        eq(users.isBlocked, false),
        sql`(${followRequests.createdAt}, ${followRequests.id}) < (${before.at}::timestamptz, ${before.id}::int)`,
      ),
    )
    .orderBy(...newestFirst(followRequests.createdAt, followRequests.id))
    .limit(limit + 1)
}

export async function countIncomingRequests(db: DbOrTx, targetId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(followRequests)
    .innerJoin(users, eq(users.id, followRequests.requesterId))
    .where(and(eq(followRequests.targetId, targetId), eq(users.isBlocked, false)))
  return row?.n ?? 0
}

/**
 * An account going public accepts every pending request: each becomes a follow, counters moved
 * once per account in bulk. The caller holds the account's row (FOR NO KEY UPDATE), so no request
 * can arrive meanwhile; requesters' rows are locked in id order.
 */
export async function acceptAllRequests(tx: DbOrTx, targetId: number): Promise<number[]> {
  const moved = await tx.execute(sql`WITH gone AS (
      DELETE FROM ${followRequests} WHERE target_id = ${targetId} RETURNING requester_id
    ), locked AS (
      SELECT u.id FROM ${users} u WHERE u.id IN (SELECT requester_id FROM gone) ORDER BY u.id FOR NO KEY UPDATE
    )
    INSERT INTO ${follows} (follower_id, following_id)
    SELECT id, ${targetId} FROM locked
    ON CONFLICT DO NOTHING
    RETURNING follower_id`)
  const ids = ((moved as { rows: { follower_id: number }[] }).rows ?? []).map((r) => Number(r.follower_id))
  if (ids.length > 0) await addFollowersInBulk(tx, targetId, ids)
  return ids
}
