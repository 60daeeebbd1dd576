// Account deletion's part in notifications (features/deletion calls them): what the account
// received and what it caused, and those about its posts and comments; each one's
// `notification.created` stream event goes with it, so a reconnecting client does not replay it.
import { sql } from 'drizzle-orm'
import { notifications } from '../../db/schema.js'
import type { Db, DbOrTx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import { deleteNotificationEvents } from '../stream/index.js'

const gone = (rows: { id: number; user_id: number }[]) => rows.map((r) => ({ id: Number(r.id), userId: Number(r.user_id) }))

/** Removes up to `batch` notifications `userId` received or caused; how many went. */
export async function purgeNotificationsOf(db: Db, userId: number, batch: number): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await queryRows<{ id: number; user_id: number }>(
      tx,
      sql`DELETE FROM ${notifications} WHERE id IN (
            SELECT id FROM ${notifications} WHERE user_id = ${userId} UNION ALL
            SELECT id FROM ${notifications} WHERE related_user_id = ${userId} LIMIT ${batch})
          RETURNING id, user_id`,
    )
    // the account's own stream is purged whole by features/stream; others' lose these events
    await deleteNotificationEvents(
      tx,
      gone(rows).filter((g) => g.userId !== userId),
    )
    return rows.length
  })
}

/** Notifications about these posts or comments (being purged with their author's account). */
export async function removeNotificationsAbout(tx: DbOrTx, about: { postIds?: number[]; commentIds?: number[] }): Promise<void> {
  const list = (xs: number[] | undefined) => `{${(xs ?? []).join(',')}}`
  if (!about.postIds?.length && !about.commentIds?.length) return
  const rows = await queryRows<{ id: number; user_id: number }>(
    tx,
    sql`DELETE FROM ${notifications} WHERE id IN (
          SELECT id FROM ${notifications} WHERE related_post_id = ANY(${list(about.postIds)}::int[]) UNION
          SELECT id FROM ${notifications} WHERE related_comment_id = ANY(${list(about.commentIds)}::int[]))
        RETURNING id, user_id`,
  )
  await deleteNotificationEvents(tx, gone(rows))
}
