// SQL for the mailed single-use tokens (email verification, password reset, email change). Only hashes are stored.
import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm'
import { emailTokens, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'

/** `change_email` tokens carry the new address in `email`; the others the address they were mailed to. */
export type EmailTokenPurpose = 'verify_email' | 'password_reset' | 'change_email'

export async function insertEmailToken(
  db: DbOrTx,
  values: { userId: number; purpose: EmailTokenPurpose; tokenHash: string; email: string; expiresAt: Date },
) {
  await db.insert(emailTokens).values(values)
}

const live = (tokenHash: string, purpose: EmailTokenPurpose) =>
  and(
    eq(emailTokens.tokenHash, tokenHash),
    eq(emailTokens.purpose, purpose),
    isNull(emailTokens.usedAt),
    gt(emailTokens.expiresAt, sql`now()`),
  )

export async function findLiveToken(db: DbOrTx, tokenHash: string, purpose: EmailTokenPurpose) {
  const [row] = await db.select().from(emailTokens).where(live(tokenHash, purpose)).limit(1)
  return row
}

/** Uses the token up; of two concurrent uses, exactly one gets the row back. */
export async function consumeToken(db: DbOrTx, tokenHash: string, purpose: EmailTokenPurpose) {
  const [row] = await db
    .update(emailTokens)
    .set({ usedAt: sql`now()` })
    .where(live(tokenHash, purpose))
    .returning({ userId: emailTokens.userId, email: emailTokens.email })
  return row
}

/** Retires every other outstanding token of this purpose (a newer reset makes older links useless). */
export async function retireTokens(db: DbOrTx, userId: number, purpose: EmailTokenPurpose) {
  await db
    .update(emailTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)))
}

/** Retires every outstanding token of the account, whatever its purpose (its address changed). */
export async function retireAllTokens(db: DbOrTx, userId: number) {
  await db
    .update(emailTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(emailTokens.userId, userId), isNull(emailTokens.usedAt)))
}

/** Another account using this address, if any. */
export async function emailTakenByOther(db: DbOrTx, email: string, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email), ne(users.id, userId)))
    .limit(1)
  return row !== undefined
}
