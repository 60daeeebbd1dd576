// SQL of the Mastodon-compatible API: its own tables (apps, authorization codes, app tokens), the
// sessions it opens for apps, and the batch reads that turn Hearth rows into Mastodon entities.
import { and, eq, gt, inArray, sql } from 'drizzle-orm'
import { oauthApps, oauthAppTokens, oauthAuthorizationCodes, posts, userSessions, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { cursorAt } from '../../lib/keyset.js'

export type AppRow = typeof oauthApps.$inferSelect
export type AccountRow = Pick<
  typeof users.$inferSelect,
  | 'id'
  | 'username'
  | 'displayName'
  | 'bio'
  | 'avatarUrl'
  | 'isPrivate'
  | 'createdAt'
  | 'followersCount'
  | 'followingCount'
  | 'postsCount'
  | 'role'
  | 'showSensitiveMedia'
>

export async function insertApp(db: DbOrTx, values: typeof oauthApps.$inferInsert): Promise<AppRow> {
  const [row] = await db.insert(oauthApps).values(values).returning()
  return row!
}

export async function findAppByClientId(db: DbOrTx, clientId: string): Promise<AppRow | undefined> {
  const [row] = await db.select().from(oauthApps).where(eq(oauthApps.clientId, clientId)).limit(1)
  return row
}

export async function findAppById(db: DbOrTx, id: number): Promise<AppRow | undefined> {
  const [row] = await db.select().from(oauthApps).where(eq(oauthApps.id, id)).limit(1)
  return row
}

export async function insertAuthorizationCode(db: DbOrTx, values: typeof oauthAuthorizationCodes.$inferInsert) {
  await db.insert(oauthAuthorizationCodes).values(values)
}

export async function findAuthorizationCode(db: DbOrTx, codeHash: string) {
  const [row] = await db
    .select()
    .from(oauthAuthorizationCodes)
    .where(and(eq(oauthAuthorizationCodes.codeHash, codeHash), gt(oauthAuthorizationCodes.expiresAt, sql`now()`)))
    .limit(1)
  return row
}

/** Single use: true for the one caller that deleted it. */
export async function deleteAuthorizationCode(db: DbOrTx, codeHash: string): Promise<boolean> {
  const rows = await db
    .delete(oauthAuthorizationCodes)
    .where(eq(oauthAuthorizationCodes.codeHash, codeHash))
    .returning({ h: oauthAuthorizationCodes.codeHash })
  return rows.length > 0
}

export async function deleteExpiredAuthorizationCodes(db: DbOrTx) {
  await db.delete(oauthAuthorizationCodes).where(sql`${oauthAuthorizationCodes.expiresAt} < now()`)
}

/** A user token is a Hearth session: its `session_token` is the SHA-256 of the access token. */
export async function insertAppSession(db: DbOrTx, values: typeof userSessions.$inferInsert) {
  const [row] = await db.insert(userSessions).values(values).returning({ id: userSessions.id })
  return row!.id
}

export async function findAppSessionById(db: DbOrTx, id: number) {
  const [row] = await db
    .select({ session: userSessions, isBlocked: users.isBlocked })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(eq(userSessions.id, id))
    .limit(1)
  return row
}

export async function findAppSessionByToken(db: DbOrTx, sessionToken: string) {
  const [row] = await db
    .select({ id: userSessions.id, userId: userSessions.userId, oauthAppId: userSessions.oauthAppId, isActive: userSessions.isActive })
    .from(userSessions)
    .where(eq(userSessions.sessionToken, sessionToken))
    .limit(1)
  return row
}

/** A refresh: the session gets a new access token (its session token) and refresh token. */
export async function rotateAppSession(
  db: DbOrTx,
  id: number,
  oldRefreshHash: string,
  values: { sessionToken: string; refreshTokenHash: string },
): Promise<boolean> {
  const rows = await db
    .update(userSessions)
    .set({ ...values, lastActivity: new Date() })
    .where(and(eq(userSessions.id, id), eq(userSessions.isActive, true), eq(userSessions.refreshTokenHash, oldRefreshHash)))
    .returning({ id: userSessions.id })
  return rows.length > 0
}

export async function setAppSessionRefresh(db: DbOrTx, id: number, refreshTokenHash: string) {
  await db.update(userSessions).set({ refreshTokenHash }).where(eq(userSessions.id, id))
}

export async function insertAppToken(db: DbOrTx, values: typeof oauthAppTokens.$inferInsert) {
  await db.insert(oauthAppTokens).values(values)
}

export async function findAppToken(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({ appId: oauthAppTokens.appId, scopes: oauthAppTokens.scopes })
    .from(oauthAppTokens)
    .where(eq(oauthAppTokens.tokenHash, tokenHash))
    .limit(1)
  return row
}

export async function deleteAppToken(db: DbOrTx, tokenHash: string): Promise<boolean> {
  const rows = await db.delete(oauthAppTokens).where(eq(oauthAppTokens.tokenHash, tokenHash)).returning({ h: oauthAppTokens.tokenHash })
  return rows.length > 0
}

const accountColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  bio: users.bio,
  avatarUrl: users.avatarUrl,
  isPrivate: users.isPrivate,
  createdAt: users.createdAt,
  followersCount: users.followersCount,
  followingCount: users.followingCount,
  postsCount: users.postsCount,
  role: users.role,
  showSensitiveMedia: users.showSensitiveMedia,
}

/** The accounts behind a page of statuses, in one query. Visibility was decided by the page. */
export async function accountsByIds(db: DbOrTx, ids: number[]): Promise<Map<number, AccountRow>> {
  const out = new Map<number, AccountRow>()
  if (ids.length === 0) return out
  const rows = await db.select(accountColumns).from(users).where(inArray(users.id, ids))
  for (const r of rows) out.set(r.id, r)
  return out
}

export async function accountById(db: DbOrTx, id: number): Promise<AccountRow | undefined> {
  return (await accountsByIds(db, [id])).get(id)
}

/**
 * A post's place in the newest-first keyset order (features/feed, posts): Mastodon clients page
 * with post ids, Hearth's lists with (created_at, id). Deleted posts keep their place.
 */
export async function postTimeKey(db: DbOrTx, id: number): Promise<{ at: string; id: number } | undefined> {
  const [row] = await db
    .select({ at: cursorAt(posts.createdAt) })
    .from(posts)
    .where(eq(posts.id, id))
    .limit(1)
  return row ? { at: row.at, id } : undefined
}
