// The users table's part in account deletion (features/deletion drives it): the request's state
// on the row, the bulk counter moves of a purge, and the tombstone the purge ends with. Written
// here because this feature owns `users`.
import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm'
import { users } from '../../db/schema.js'
import type { Db, DbOrTx, Tx } from '../../platform/db/index.js'

/**
 * Hides the account (is_blocked: every reader already leaves such accounts out) and schedules its
 * purge. Only a live account is scheduled: false when a deletion was already requested.
 */
export async function markDeletionRequested(tx: Tx, id: number, by: number, dueAt: Date): Promise<boolean> {
  const rows = await tx
    .update(users)
    .set({ isBlocked: true, deletionRequestedAt: sql`now()`, deletionRequestedBy: by, deletionDueAt: dueAt, updatedAt: new Date() })
    .where(and(eq(users.id, id), isNull(users.deletionRequestedAt)))
    .returning({ id: users.id })
  return rows.length > 0
}

/** Undoes a self-requested deletion that has not been purged yet; false when there was none to undo. */
export async function clearDeletionRequest(tx: Tx, id: number): Promise<boolean> {
  const rows = await tx
    .update(users)
    .set({ isBlocked: false, deletionRequestedAt: null, deletionRequestedBy: null, deletionDueAt: null, updatedAt: new Date() })
    .where(and(eq(users.id, id), eq(users.deletionRequestedBy, id), isNull(users.deletedAt), isNotNull(users.deletionRequestedAt)))
    .returning({ id: users.id })
  return rows.length > 0
}

/** Accounts whose grace period is over and whose purge has not finished, oldest due first. */
export async function accountsDueForPurge(db: DbOrTx, now: Date, limit: number): Promise<number[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(isNotNull(users.deletionDueAt), isNull(users.deletedAt), lte(users.deletionDueAt, now)))
    .orderBy(users.deletionDueAt, users.id)
    .limit(limit)
  return rows.map((r) => r.id)
}

/**
 * Takes follows out of the profile counters in bulk: `following` / `followers` map a user id to how
 * many of its follows / followers went. Rows are locked in id order first (the order of every
 * counter write), so a purge never deadlocks with someone following at the same moment.
 */
export async function subtractFollowCounts(tx: DbOrTx, following: Map<number, number>, followers: Map<number, number>) {
  const ids = [...new Set([...following.keys(), ...followers.keys()])].sort((a, b) => a - b)
  if (ids.length === 0) return
  const list = (xs: number[]) => `{${xs.join(',')}}`
  await tx.execute(sql`SELECT 1 FROM ${users} WHERE id = ANY(${list(ids)}::int[]) ORDER BY id FOR NO KEY UPDATE`)
  await tx.execute(sql`UPDATE ${users} SET
      following_count = following_count - d.fo, followers_count = followers_count - d.fr
    FROM (SELECT unnest(${list(ids)}::int[]) AS id, unnest(${list(ids.map((i) => following.get(i) ?? 0))}::int[]) AS fo,
                 unnest(${list(ids.map((i) => followers.get(i) ?? 0))}::int[]) AS fr) d
    WHERE ${users}.id = d.id`)
}

/**
 * The end of a purge: the row stays (reports and audit entries about the account keep its id; the
 * other side of its conversations reads "Deleted account") but says nothing of the person. The
 * username and email become free: the tombstone's are outside what sign-up accepts.
 * Returns the avatar URL it held, for its removal from storage.
 */
export async function makeTombstone(db: Db, id: number): Promise<{ avatarUrl: string | null } | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ avatarUrl: users.avatarUrl }).from(users).where(eq(users.id, id)).for('update')
    if (!row) return undefined
    await tx
      .update(users)
      .set({
        username: `deleted-${id}`,
        email: `deleted-${id}@deleted.invalid`,
        passwordHash: null,
        displayName: 'Deleted account',
        bio: null,
        avatarUrl: null,
        emailVerifiedAt: null,
        isBlocked: true,
        role: 'user',
        isPrivate: false,
        followersCount: 0,
        followingCount: 0,
        postsCount: 0,
        emailNotifications: false,
        deletedAt: sql`now()`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, id))
    return row
  })
}
