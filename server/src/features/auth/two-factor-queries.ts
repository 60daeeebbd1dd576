import { and, count, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm'
import { securityEvents, userRecoveryCodes, userTotp } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'

export type TotpRow = typeof userTotp.$inferSelect

export async function findTotp(db: DbOrTx, userId: number): Promise<TotpRow | undefined> {
  const [row] = await db.select().from(userTotp).where(eq(userTotp.userId, userId)).limit(1)
  return row
}

/** Whether the account signs in with a second factor (a hot-ish path: every password sign-in). */
export async function totpEnabled(db: DbOrTx, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ userId: userTotp.userId })
    .from(userTotp)
    .where(and(eq(userTotp.userId, userId), isNotNull(userTotp.enabledAt)))
    .limit(1)
  return row !== undefined
}

/** Stores a new pending secret, replacing a pending one; returns false (and changes nothing) when 2FA is on. */
export async function savePendingTotp(db: DbOrTx, userId: number, secretEncrypted: string): Promise<boolean> {
  const rows = await db
    .insert(userTotp)
    .values({ userId, secretEncrypted })
    .onConflictDoUpdate({
      target: userTotp.userId,
      set: { secretEncrypted, lastUsedStep: null, createdAt: sql`now()` },
      setWhere: isNull(userTotp.enabledAt),
    })
    .returning({ userId: userTotp.userId })
  return rows.length > 0
}

/** Turns a pending secret on, remembering the step of the code that proved it; false if it was not pending. */
export async function enableTotp(db: DbOrTx, userId: number, step: number): Promise<boolean> {
  const rows = await db
    .update(userTotp)
    .set({ enabledAt: sql`now()`, lastUsedStep: step })
    .where(and(eq(userTotp.userId, userId), isNull(userTotp.enabledAt)))
    .returning({ userId: userTotp.userId })
  return rows.length > 0
}

/**
 * Accepts the code of time step `step` once: true only if no code of this step or a later one was
 * accepted before. One conditional UPDATE, so two requests with the same code cannot both pass.
 */
export async function consumeStep(db: DbOrTx, userId: number, step: number): Promise<boolean> {
  const rows = await db
    .update(userTotp)
    .set({ lastUsedStep: step })
    .where(
      and(eq(userTotp.userId, userId), isNotNull(userTotp.enabledAt), or(isNull(userTotp.lastUsedStep), lt(userTotp.lastUsedStep, step))),
    )
    .returning({ userId: userTotp.userId })
  return rows.length > 0
}

export async function deleteTotp(db: DbOrTx, userId: number): Promise<void> {
  await db.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId))
  await db.delete(userTotp).where(eq(userTotp.userId, userId))
}

export async function replaceRecoveryCodes(db: DbOrTx, userId: number, hashes: string[]): Promise<void> {
  await db.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId))
  await db.insert(userRecoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash })))
}

/** Uses up a recovery code: true if it existed (and now no longer does). */
export async function takeRecoveryCode(db: DbOrTx, userId: number, codeHash: string): Promise<boolean> {
  const rows = await db
    .delete(userRecoveryCodes)
    .where(and(eq(userRecoveryCodes.userId, userId), eq(userRecoveryCodes.codeHash, codeHash)))
    .returning({ id: userRecoveryCodes.id })
  return rows.length > 0
}

export async function countRecoveryCodes(db: DbOrTx, userId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId))
  return row?.n ?? 0
}

export type SecurityEventKind = 'totp_enabled' | 'totp_disabled' | 'recovery_code_used'

export async function insertSecurityEvent(
  db: DbOrTx,
  e: { userId: number; kind: SecurityEventKind; ipAddress: string | null; userAgent: string | null },
): Promise<void> {
  await db.insert(securityEvents).values(e)
}

export async function listSecurityEvents(db: DbOrTx, userId: number) {
  return db
    .select()
    .from(securityEvents)
    .where(eq(securityEvents.userId, userId))
    .orderBy(sql`${securityEvents.id} desc`)
}
