// user_blocks and user_mutes are written here only.
import { and, eq, sql } from 'drizzle-orm'
import { userBlocks, userMutes, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { cursorAt, newestFirst, type TimeKey } from '../../lib/keyset.js'

export async function insertBlock(tx: DbOrTx, blockerId: number, blockedId: number): Promise<boolean> {
  const rows = await tx.insert(userBlocks).values({ blockerId, blockedId }).onConflictDoNothing().returning({ id: userBlocks.id })
  return rows.length > 0
}

export async function deleteBlock(tx: DbOrTx, blockerId: number, blockedId: number): Promise<boolean> {
  const rows = await tx
    .delete(userBlocks)
    .where(and(eq(userBlocks.blockerId, blockerId), eq(userBlocks.blockedId, blockedId)))
    .returning({ id: userBlocks.id })
  return rows.length > 0
}

export async function insertMute(tx: DbOrTx, muterId: number, mutedId: number): Promise<boolean> {
  const rows = await tx.insert(userMutes).values({ muterId, mutedId }).onConflictDoNothing().returning({ id: userMutes.id })
  return rows.length > 0
}

export async function deleteMute(tx: DbOrTx, muterId: number, mutedId: number): Promise<boolean> {
  const rows = await tx
    .delete(userMutes)
    .where(and(eq(userMutes.muterId, muterId), eq(userMutes.mutedId, mutedId)))
    .returning({ id: userMutes.id })
  return rows.length > 0
}

const listedUser = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  avatarUrl: users.avatarUrl,
}

/** The people `blockerId` blocks, newest block first (user_blocks_list_idx). */
export function listBlocks(db: DbOrTx, blockerId: number, before: TimeKey, limit: number) {
  return db
    .select({ rowId: userBlocks.id, at: cursorAt(userBlocks.createdAt), since: userBlocks.createdAt, ...listedUser })
    .from(userBlocks)
    .innerJoin(users, eq(users.id, userBlocks.blockedId))
    .where(
      and(
        eq(userBlocks.blockerId, blockerId),
        sql`(${userBlocks.createdAt}, ${userBlocks.id}) < (${before.at}::timestamptz, ${before.id}::int)`,
      ),
    )
    .orderBy(...newestFirst(userBlocks.createdAt, userBlocks.id))
    .limit(limit + 1)
}

/** The people `muterId` mutes, newest mute first (user_mutes_list_idx). */
export function listMutes(db: DbOrTx, muterId: number, before: TimeKey, limit: number) {
  return db
    .select({ rowId: userMutes.id, at: cursorAt(userMutes.createdAt), since: userMutes.createdAt, ...listedUser })
    .from(userMutes)
    .innerJoin(users, eq(users.id, userMutes.mutedId))
    .where(
      and(eq(userMutes.muterId, muterId), sql`(${userMutes.createdAt}, ${userMutes.id}) < (${before.at}::timestamptz, ${before.id}::int)`),
    )
    .orderBy(...newestFirst(userMutes.createdAt, userMutes.id))
    .limit(limit + 1)
}
