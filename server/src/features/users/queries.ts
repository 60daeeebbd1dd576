import { and, asc, eq, gt, or, sql, type SQL } from 'drizzle-orm'
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

/** Prefix search on username or display name, ordered by lower(username) for keyset paging. */
/** The users id column, for the caller's visibility filter. */
export const userIdColumn = users.id

export async function searchUsers(db: DbOrTx, q: string, limit: number, after: string | undefined, visible: SQL) {
  const prefix = escapeLike(q.toLowerCase()) + '%'
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
        or(sql`lower(${users.username}) LIKE ${prefix}`, sql`lower(${users.displayName}) LIKE ${prefix}`),
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
      'displayName' | 'bio' | 'username' | 'avatarUrl' | 'passwordHash' | 'emailVerifiedAt' | 'isPrivate' | 'allowMessagesFrom'
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
