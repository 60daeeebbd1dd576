import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm'
import { users } from '../../db/schema.js'
import type { DbOrTx, Tx } from '../../platform/db/index.js'

// The users table is written and locked here only; other features call these through ./index.ts.

export type UserRow = typeof users.$inferSelect

export async function findVisibleUserById(db: DbOrTx, id: number) {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), eq(users.isBlocked, false)))
    .limit(1)
  return row
}

export async function findVisibleUserByUsername(db: DbOrTx, username: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(sql`lower(${users.username})`, username.toLowerCase()), eq(users.isBlocked, false)))
    .limit(1)
  return row
}
/** The public summary of an actor, for notifications ("alice liked your post") and their push. */
export async function actorSummary(db: DbOrTx, id: number) {
  const [row] = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, avatarUrl: users.avatarUrl })
    .from(users)
    .where(eq(users.id, id))
    .limit(1)
  return row ?? { id, username: 'someone', displayName: null, avatarUrl: null }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c)

/** The users id column, for the caller's visibility filter. */
export const userIdColumn = users.id

/**
 * Prefix search on username or display name, ignoring case and accents, ordered by
 * lower(username) for keyset paging. Usernames are ASCII, so lower() is their whole folding
 * (users_username_lower_key); display names fold through hearth_search_text (migration 0011,
 * users_display_name_search_idx), and so does the query, so "zoe" finds "Zoë" and "ZOË" finds "zoe_1".
 */
export async function searchUsers(db: DbOrTx, q: string, limit: number, after: string | undefined, visible: SQL) {
  const prefix = sql`(hearth_search_text(${escapeLike(q)}::text) || '%')`
  const lowerName = sql<string>`lower(${users.username})`
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarUrl: users.avatarUrl,
      key: lowerName,
    })
    .from(users)
    .where(
      and(
        eq(users.isBlocked, false),
        visible,
        or(sql`lower(${users.username}) LIKE ${prefix}`, sql`hearth_search_text(${users.displayName}) LIKE ${prefix}`),
        after === undefined ? undefined : gt(lowerName, after),
      ),
    )
    .orderBy(asc(lowerName))
    .limit(limit + 1)
}

export async function updateUser(
  db: DbOrTx,
  id: number,
  values: Partial<
    Pick<
      typeof users.$inferInsert,
      | 'displayName'
      | 'bio'
      | 'username'
      | 'avatarUrl'
      | 'passwordHash'
      | 'emailVerifiedAt'
      | 'isPrivate'
      | 'allowMessagesFrom'
      | 'showSensitiveMedia'
    >
  >,
) {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning()
  return row
}

/** Locks the user row, so links, password and verification of one account change one at a time. */
export async function lockUser(db: DbOrTx, where: { id: number } | { email: string }): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where('id' in where ? eq(users.id, where.id) : eq(users.email, where.email))
    .for('update')
    .limit(1)
  return row
}

export async function insertUser(db: DbOrTx, values: typeof users.$inferInsert): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning()
  return row!
}

export async function updateUserPassword(db: DbOrTx, userId: number, passwordHash: string | null) {
  await db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId))
}

/**
 * Sets a user's avatar and returns the one it replaced (null: none; undefined: no such user).
 * The row lock makes concurrent uploads queue, so each one learns exactly which URL it replaced.
 * (features/media's avatar uploads)
 */
export async function swapAvatarUrl(tx: Tx, userId: number, url: string | null): Promise<string | null | undefined> {
  const [current] = await tx.select({ avatarUrl: users.avatarUrl }).from(users).where(eq(users.id, userId)).for('update')
  if (!current) return undefined
  await tx.update(users).set({ avatarUrl: url, updatedAt: new Date() }).where(eq(users.id, userId))
  return current.avatarUrl
}

/** Marks the email proven, but only while it is still the account's address. (features/auth's mailed links) */
export async function markEmailVerified(db: DbOrTx, userId: number, email: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`, updatedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.email, email)))
    .returning({ id: users.id })
  return rows.length > 0
}

/** The new address, proven by the link that was mailed to it. (features/auth's email change) */
export async function setProvenEmail(db: DbOrTx, userId: number, email: string) {
  await db
    .update(users)
    .set({ email, emailVerifiedAt: sql`now()`, updatedAt: new Date() })
    .where(eq(users.id, userId))
}

/** A new password set through a link mailed to the account's address, which that proves. (features/auth's password reset) */
export async function setPasswordProvingEmail(db: DbOrTx, userId: number, passwordHash: string) {
  await db
    .update(users)
    .set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`, updatedAt: new Date() })
    .where(eq(users.id, userId))
}

/**
 * Makes an account the configured administrator (ADMIN_EMAIL): an unblocked admin whose address
 * counts as proven, with a new password hash when given. (features/auth's bootstrap)
 */
export async function makeConfiguredAdmin(db: DbOrTx, id: number, values: { emailVerifiedAt: Date; passwordHash?: string }) {
  await db
    .update(users)
    .set({
      role: 'admin',
      isBlocked: false,
      emailVerifiedAt: values.emailVerifiedAt,
      ...(values.passwordHash === undefined ? {} : { passwordHash: values.passwordHash, updatedAt: new Date() }),
    })
    .where(eq(users.id, id))
}

/** Inserts a user unless the email or username is taken; its id, or undefined when taken. */
export async function insertUserIfFree(db: DbOrTx, values: typeof users.$inferInsert): Promise<number | undefined> {
  const [row] = await db.insert(users).values(values).onConflictDoNothing().returning({ id: users.id })
  return row?.id
}

/**
 * Locks every admin row, in id order so concurrent admin actions queue instead of deadlocking.
 * Whoever holds these locks sees the admin set as it is, so "would this leave no admin?" and "is
 * the actor still an admin?" cannot be answered from a stale picture by two transactions at once.
 */
export async function lockAdmins(tx: Tx): Promise<{ id: number; isBlocked: boolean }[]> {
  return tx.select({ id: users.id, isBlocked: users.isBlocked }).from(users).where(eq(users.role, 'admin')).orderBy(users.id).for('update')
}

export async function setBlocked(tx: Tx, id: number, blocked: boolean) {
  await tx.update(users).set({ isBlocked: blocked, updatedAt: new Date() }).where(eq(users.id, id))
}

export async function setRole(tx: Tx, id: number, role: UserRow['role']) {
  await tx.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, id))
}

/** The account's own row, FOR NO KEY UPDATE (the lock order of follows and blocks: safety's lockPair). */
export async function lockOwnRow(tx: Tx, id: number): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(eq(users.id, id)).for('no key update').limit(1)
  return row
}

// ---- profile counters, moved in the same transaction as the follow or post that changes them ----

/**
 * Moves both counters. The two rows are locked in id order first, whoever follows whom, so two
 * people following each other at the same moment cannot deadlock.
 */
export async function adjustFollowCounts(tx: DbOrTx, followerId: number, followingId: number, delta: -1 | 1) {
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

/** An account going public: `followerIds` now follow `targetId` (each +1 following, the target +n followers). */
export async function addFollowersInBulk(tx: DbOrTx, targetId: number, followerIds: number[]) {
  await tx
    .update(users)
    .set({
      followingCount: sql`${users.followingCount} + CASE WHEN ${users.id} = ${targetId} THEN 0 ELSE 1 END`,
      followersCount: sql`${users.followersCount} + CASE WHEN ${users.id} = ${targetId} THEN ${followerIds.length}::int ELSE 0 END`,
    })
    .where(inArray(users.id, [targetId, ...followerIds]))
}

export async function adjustPostsCount(tx: DbOrTx, userId: number, delta: 1 | -1) {
  await tx
    .update(users)
    .set({ postsCount: sql`${users.postsCount} + ${delta}` })
    .where(eq(users.id, userId))
}
