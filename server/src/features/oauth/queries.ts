import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { oauthProviders, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import type { UserRow } from '../users/index.js'
import type { ProviderId } from './providers.js'

export type LinkRow = typeof oauthProviders.$inferSelect

export async function findLink(db: DbOrTx, provider: ProviderId, providerUserId: string): Promise<LinkRow | undefined> {
  const [row] = await db
    .select()
    .from(oauthProviders)
    .where(and(eq(oauthProviders.provider, provider), eq(oauthProviders.providerUserId, providerUserId)))
    .limit(1)
  return row
}

export async function linksOfUser(db: DbOrTx, userId: number): Promise<LinkRow[]> {
  return db.select().from(oauthProviders).where(eq(oauthProviders.userId, userId)).orderBy(asc(oauthProviders.id))
}

export async function insertLink(db: DbOrTx, values: { userId: number; provider: ProviderId; providerUserId: string }) {
  await db.insert(oauthProviders).values(values)
}

export async function deleteLinks(db: DbOrTx, where: { userId: number; provider?: ProviderId }): Promise<number> {
  const rows = await db
    .delete(oauthProviders)
    .where(and(eq(oauthProviders.userId, where.userId), where.provider ? eq(oauthProviders.provider, where.provider) : undefined))
    .returning({ id: oauthProviders.id })
  return rows.length
}

export async function findUser(db: DbOrTx, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1)
  return row
}

/** Which of these usernames are taken (compared case-insensitively, as the unique index does). */
export async function takenUsernames(db: DbOrTx, candidates: string[]): Promise<Set<string>> {
  const lower = candidates.map((c) => c.toLowerCase())
  const rows = await db
    .select({ name: sql<string>`lower(${users.username})` })
    .from(users)
    .where(inArray(sql`lower(${users.username})`, lower))
  return new Set(rows.map((r) => r.name))
}
