// The read side of safety: the relationship between two people, and the row locks that order
// every write between them. Written and owned by features/safety (blocks, mutes) and
// features/follows (follows, requests); read here by everyone.
import { and, eq, inArray, or, sql } from 'drizzle-orm'
import { follows, followRequests, userBlocks, userMutes, users } from '../../db/schema.js'
import type { DbOrTx, Tx } from '../../platform/db/index.js'

/**
 * Locks both users' rows in id order (FOR NO KEY UPDATE). Blocks, follows and follow requests
 * between two people take this first, so they run one after the other for a pair and never
 * deadlock; likes and comments take the weaker `lockPairShared`, which this waits for.
 */
export async function lockPair(tx: Tx, a: number, b: number) {
  return tx
    .select({ id: users.id, isBlocked: users.isBlocked, isPrivate: users.isPrivate })
    .from(users)
    .where(inArray(users.id, [a, b]))
    .orderBy(users.id)
    .for('no key update')
}

/**
 * FOR SHARE on both users' rows in id order: a like or comment holds it until it commits, so a
 * block between the two either waits for it (and then removes it) or came first (and the write
 * sees it). Shared locks do not wait for each other, so many people liking one author's posts
 * do not queue.
 */
export async function lockPairShared(tx: Tx, a: number, b: number) {
  if (a === b) return
  await tx
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.id, [a, b]))
    .orderBy(users.id)
    .for('share')
}

/** Which way blocks run between `a` and `b`. */
export async function blocksBetween(db: DbOrTx, a: number, b: number): Promise<{ aBlocksB: boolean; bBlocksA: boolean }> {
  const rows = await db
    .select({ blockerId: userBlocks.blockerId })
    .from(userBlocks)
    .where(or(and(eq(userBlocks.blockerId, a), eq(userBlocks.blockedId, b)), and(eq(userBlocks.blockerId, b), eq(userBlocks.blockedId, a))))
  return { aBlocksB: rows.some((r) => r.blockerId === a), bBlocksA: rows.some((r) => r.blockerId === b) }
}

export interface Relationship {
  following: boolean
  requested: boolean
  followedBy: boolean
  blocking: boolean
  blockedBy: boolean
  muting: boolean
}

/**
 * The viewer's relationship with each of `ids`, in one statement (a page of users costs one
 * query, whatever its size).
 */
export async function relationships(db: DbOrTx, viewerId: number, ids: number[]): Promise<Map<number, Relationship>> {
  const out = new Map<number, Relationship>()
  if (ids.length === 0) return out
  // Spelled out: Drizzle writes a bare "id" for a column inside a select field of a one-table
  // query, which inside these sub-queries would mean their own table's id.
  const uid = sql.raw('"users"."id"')
  const rows = await db
    .select({
      id: users.id,
      following: sql<boolean>`EXISTS (SELECT 1 FROM ${follows} f WHERE f.follower_id = ${viewerId} AND f.following_id = ${uid})`,
      requested: sql<boolean>`EXISTS (SELECT 1 FROM ${followRequests} r WHERE r.requester_id = ${viewerId} AND r.target_id = ${uid})`,
      followedBy: sql<boolean>`EXISTS (SELECT 1 FROM ${follows} f WHERE f.follower_id = ${uid} AND f.following_id = ${viewerId})`,
      blocking: sql<boolean>`EXISTS (SELECT 1 FROM ${userBlocks} b WHERE b.blocker_id = ${viewerId} AND b.blocked_id = ${uid})`,
      blockedBy: sql<boolean>`EXISTS (SELECT 1 FROM ${userBlocks} b WHERE b.blocker_id = ${uid} AND b.blocked_id = ${viewerId})`,
      muting: sql<boolean>`EXISTS (SELECT 1 FROM ${userMutes} m WHERE m.muter_id = ${viewerId} AND m.muted_id = ${uid})`,
    })
    .from(users)
    .where(inArray(users.id, ids))
  for (const r of rows) {
    out.set(r.id, {
      following: r.following === true,
      requested: r.requested === true,
      followedBy: r.followedBy === true,
      blocking: r.blocking === true,
      blockedBy: r.blockedBy === true,
      muting: r.muting === true,
    })
  }
  return out
}

export const NO_RELATIONSHIP: Relationship = {
  following: false,
  requested: false,
  followedBy: false,
  blocking: false,
  blockedBy: false,
  muting: false,
}
