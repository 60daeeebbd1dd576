import { eq } from 'drizzle-orm'
import { users } from '../../db/schema.js'
import type { Tx } from '../../platform/db/index.js'

/**
 * Sets a user's avatar and returns the one it replaced (null: none; undefined: no such user).
 * The row lock makes concurrent uploads queue, so each one learns exactly which URL it replaced.
 */
export async function swapAvatarUrl(tx: Tx, userId: number, url: string | null): Promise<string | null | undefined> {
  const [current] = await tx.select({ avatarUrl: users.avatarUrl }).from(users).where(eq(users.id, userId)).for('update')
  if (!current) return undefined
  await tx.update(users).set({ avatarUrl: url, updatedAt: new Date() }).where(eq(users.id, userId))
  return current.avatarUrl
}
