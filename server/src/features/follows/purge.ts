// Account deletion's part in follows (features/deletion calls it): the account's follows both
// ways and its follow requests both ways, one batch per transaction, counters moved with them.
import { sql } from 'drizzle-orm'
import { followRequests, follows } from '../../db/schema.js'
import type { Db } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import { subtractFollowCounts } from '../users/index.js'

/** Removes up to `batch` follows and follow requests of `userId` (either side); how many went. */
export async function purgeFollowsOf(db: Db, userId: number, batch: number): Promise<number> {
  return db.transaction(async (tx) => {
    const gone = await queryRows<{ follower_id: number; following_id: number }>(
      tx,
      sql`DELETE FROM ${follows} WHERE id IN (
            SELECT id FROM ${follows} WHERE follower_id = ${userId} UNION ALL
            SELECT id FROM ${follows} WHERE following_id = ${userId} LIMIT ${batch})
          RETURNING follower_id, following_id`,
    )
    const following = new Map<number, number>()
    const followers = new Map<number, number>()
    for (const r of gone) {
      const [a, b] = [Number(r.follower_id), Number(r.following_id)]
      following.set(a, (following.get(a) ?? 0) + 1)
      followers.set(b, (followers.get(b) ?? 0) + 1)
    }
    await subtractFollowCounts(tx, following, followers)
    const requests = await queryRows<{ id: number }>(
      tx,
      sql`DELETE FROM ${followRequests} WHERE id IN (
            SELECT id FROM ${followRequests} WHERE requester_id = ${userId} UNION ALL
            SELECT id FROM ${followRequests} WHERE target_id = ${userId} LIMIT ${batch})
          RETURNING id`,
    )
    return gone.length + requests.length
  })
}
