// Account deletion's part in messages (features/deletion calls it). The deleted person's messages
// go, attachments first (a failure throws: the next run tries again before any row goes); what the
// other participant wrote stays theirs, in a conversation whose other side reads "Deleted account"
// (README, "Deleting an account"). A conversation's last message moves back to the newest one left.
import { sql } from 'drizzle-orm'
import { conversations, messages } from '../../db/schema.js'
import type { Db } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import type { ObjectStorage } from '../../platform/storage/index.js'

/** Removes up to `batch` messages `userId` sent, with their attachments; how many went. */
export async function purgeMessagesOf(db: Db, storage: ObjectStorage, userId: number, batch: number): Promise<number> {
  const picked = await queryRows<{ id: number; file_url: string | null }>(
    db,
    sql`SELECT id, file_url FROM ${messages} WHERE sender_id = ${userId} ORDER BY id LIMIT ${batch}`,
  )
  if (picked.length === 0) return 0
  const files = picked.flatMap((r) => (r.file_url ? [r.file_url] : []))
  if (files.length > 0) await storage.delete(files)
  const ids = `{${picked.map((r) => Number(r.id)).join(',')}}`
  await db.transaction(async (tx) => {
    // conversations first (in id order, as sends lock them), so the messages are no longer their last
    await tx.execute(sql`SELECT 1 FROM ${conversations} WHERE last_message_id = ANY(${ids}::int[]) ORDER BY id FOR UPDATE`)
    await tx.execute(sql`UPDATE ${conversations} c SET last_message_id = l.id, last_message_at = l.created_at
      FROM ${conversations} c2
      LEFT JOIN LATERAL (
        SELECT m.id, m.created_at FROM ${messages} m
        WHERE m.conversation_id = c2.id AND NOT (m.id = ANY(${ids}::int[]))
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1) l ON true
      WHERE c.id = c2.id AND c.last_message_id = ANY(${ids}::int[])`)
    await tx.execute(sql`DELETE FROM ${messages} WHERE id = ANY(${ids}::int[])`)
  })
  return picked.length
}
