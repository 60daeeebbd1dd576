// Account deletion's part in safety (features/deletion calls it): blocks and mutes either way.
import { sql } from 'drizzle-orm'
import { userBlocks, userMutes } from '../../db/schema.js'
import type { Db } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'

/** Removes up to `batch` blocks and `batch` mutes that name `userId` on either side; how many went. */
export async function purgeBlocksAndMutesOf(db: Db, userId: number, batch: number): Promise<number> {
  return db.transaction(async (tx) => {
    const blocks = await queryRows<{ id: number }>(
      tx,
      sql`DELETE FROM ${userBlocks} WHERE id IN (
            SELECT id FROM ${userBlocks} WHERE blocker_id = ${userId} UNION ALL
            SELECT id FROM ${userBlocks} WHERE blocked_id = ${userId} LIMIT ${batch}) RETURNING id`,
    )
    const mutes = await queryRows<{ id: number }>(
      tx,
      sql`DELETE FROM ${userMutes} WHERE id IN (
            SELECT id FROM ${userMutes} WHERE muter_id = ${userId} UNION ALL
            SELECT id FROM ${userMutes} WHERE muted_id = ${userId} LIMIT ${batch}) RETURNING id`,
    )
    return blocks.length + mutes.length
  })
}
