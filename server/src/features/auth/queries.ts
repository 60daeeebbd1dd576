import { and, desc, eq, gt, inArray, ne, or, sql } from 'drizzle-orm'
import { oauthApps, sessionRotatedTokens, userSessions, users } from '../../db/schema.js'
import type { Db, DbOrTx } from '../../platform/db/index.js'
import { prepared } from '../../platform/db/prepared.js'
import type { UserRow } from '../users/index.js'

export type SessionRow = typeof userSessions.$inferSelect

export async function findUserByLogin(db: DbOrTx, login: string): Promise<UserRow | undefined> {
  const lower = login.toLowerCase()
  const where = lower.includes('@') ? eq(users.email, lower) : eq(sql`lower(${users.username})`, lower)
  const [row] = await db.select().from(users).where(where).limit(1)
  return row
}

export async function findUserById(db: DbOrTx, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1)
  return row
}

export async function insertSession(db: DbOrTx, values: typeof userSessions.$inferInsert): Promise<SessionRow> {
  const [row] = await db.insert(userSessions).values(values).returning()
  return row!
}

/** The session with its owner's standing, for validating an access token (a hot path: prepared). */
export async function findLiveSessionByToken(db: Db, sessionToken: string) {
  const stmt = prepared(db, 'live_session_by_token', (d) =>
    d
      .select({
        id: userSessions.id,
        userId: userSessions.userId,
        expiresAt: userSessions.expiresAt,
        role: users.role,
        oauthAppId: userSessions.oauthAppId,
        oauthScopes: userSessions.oauthScopes,
      })
      .from(userSessions)
      .innerJoin(users, eq(users.id, userSessions.userId))
      .where(
        and(
          eq(userSessions.sessionToken, sql.placeholder('token')),
          eq(userSessions.isActive, true),
          gt(userSessions.expiresAt, sql`now()`),
          eq(users.isBlocked, false),
        ),
      )
      .limit(1)
      .prepare('live_session_by_token'),
  )
  const [row] = await stmt.execute({ token: sessionToken })
  return row
}

/** Locks the session row for a refresh, so two concurrent refreshes serialise. */
export async function lockSessionByToken(db: DbOrTx, sessionToken: string) {
  const [row] = await db
    .select({ session: userSessions, isBlocked: users.isBlocked })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(eq(userSessions.sessionToken, sessionToken))
    .for('update', { of: userSessions })
    .limit(1)
  return row
}

export async function rotateRefreshToken(
  db: DbOrTx,
  session: { id: number; oldHash: string },
  values: { newHash: string; expiresAt: Date; ipAddress: string | null; userAgent: string | null },
) {
  await db.insert(sessionRotatedTokens).values({ tokenHash: session.oldHash, sessionId: session.id }).onConflictDoNothing()
  await db
    .update(userSessions)
    .set({
      refreshTokenHash: values.newHash,
      expiresAt: values.expiresAt,
      lastActivity: new Date(),
      ipAddress: values.ipAddress,
      userAgent: values.userAgent,
    })
    .where(eq(userSessions.id, session.id))
}

/**
 * Whether `tokenHash` is a refresh token this session rotated away from, and if so whether that
 * happened within the last `graceSeconds` (on the database's clock, which every instance shares).
 */
export async function rotatedFrom(
  db: DbOrTx,
  sessionId: number,
  tokenHash: string,
  graceSeconds: number,
): Promise<'just_now' | 'earlier' | undefined> {
  const [row] = await db
    .select({
      recent: sql<boolean>`${sessionRotatedTokens.rotatedAt} > clock_timestamp() - make_interval(secs => ${graceSeconds})`,
    })
    .from(sessionRotatedTokens)
    .where(and(eq(sessionRotatedTokens.tokenHash, tokenHash), eq(sessionRotatedTokens.sessionId, sessionId)))
    .limit(1)
  if (!row) return undefined
  return row.recent ? 'just_now' : 'earlier'
}

/** When the session began (its sign-in); refreshes keep it. */
export async function findSessionCreatedAt(db: DbOrTx, sessionId: number): Promise<Date | undefined> {
  const [row] = await db.select({ createdAt: userSessions.createdAt }).from(userSessions).where(eq(userSessions.id, sessionId)).limit(1)
  return row?.createdAt
}

/** Ends sessions; returns the session tokens that were live so caches can drop them. */
export async function revokeSessions(
  db: DbOrTx,
  where: { userId: number; sessionId?: number; exceptSessionId?: number },
  reason: string,
): Promise<string[]> {
  const rows = await db
    .update(userSessions)
    .set({ isActive: false, revokedAt: new Date(), revokedReason: reason, refreshTokenHash: null })
    .where(
      and(
        eq(userSessions.userId, where.userId),
        eq(userSessions.isActive, true),
        where.sessionId !== undefined ? eq(userSessions.id, where.sessionId) : undefined,
        where.exceptSessionId !== undefined ? ne(userSessions.id, where.exceptSessionId) : undefined,
      ),
    )
    .returning({ sessionToken: userSessions.sessionToken })
  return rows.map((r) => r.sessionToken)
}

export async function listActiveSessions(db: DbOrTx, userId: number) {
  return db
    .select({ session: userSessions, appName: oauthApps.name })
    .from(userSessions)
    .leftJoin(oauthApps, eq(oauthApps.id, userSessions.oauthAppId))
    .where(and(eq(userSessions.userId, userId), eq(userSessions.isActive, true), gt(userSessions.expiresAt, sql`now()`)))
    .orderBy(desc(userSessions.lastActivity), desc(userSessions.id))
}

/** Throttled: writes only when the stored value is older than a minute. */
export async function touchSession(db: DbOrTx, sessionId: number) {
  await db
    .update(userSessions)
    .set({ lastActivity: sql`now()` })
    .where(
      and(
        eq(userSessions.id, sessionId),
        or(sql`${userSessions.lastActivity} IS NULL`, sql`${userSessions.lastActivity} < now() - interval '1 minute'`),
      ),
    )
}

export async function sessionTokensOfUsers(db: DbOrTx, userIds: number[]) {
  if (userIds.length === 0) return []
  const rows = await db
    .select({ sessionToken: userSessions.sessionToken })
    .from(userSessions)
    .where(and(inArray(userSessions.userId, userIds), eq(userSessions.isActive, true)))
  return rows.map((r) => r.sessionToken)
}
