import { and, asc, eq, gt, inArray, lt, sql, type AnyColumn, type SQL } from 'drizzle-orm'
import { streamEvents } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import { runNamed } from '../../platform/db/named-statement.js'
import { notBlockedEitherWay } from '../visibility/index.js'
import type { EventInput, StreamEvent, StreamEventType } from './events.js'

/**
 * Inserts a transaction's events in one statement (a named prepared statement: it runs on every
 * message, like and follow). Identity values are drawn as rows are inserted, in input order, so the
 * ids sorted ascending belong to the inputs in order.
 */
export const INSERT_EVENTS_SQL = `INSERT INTO stream_events (user_id, type, data)
SELECT (e ->> 'userId')::int, e ->> 'type', e -> 'data'
FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n)
ORDER BY n
RETURNING id`

export async function insertEvents(db: DbOrTx, inputs: EventInput[]): Promise<{ id: number }[]> {
  const ids = await runNamed(db, 'insert_stream_events', INSERT_EVENTS_SQL, [JSON.stringify(inputs)], (rows) =>
    rows.map((r) => Number(r[0])),
  )
  return ids.sort((x, y) => x - y).map((id) => ({ id }))
}

/**
 * The other person an event comes from, read from its data: a message's sender, a notification's
 * actor, a read receipt's reader (the user themselves on their own copies; NULL for events that
 * name nobody, such as message.deleted).
 */
const actorOf = (data: AnyColumn | SQL) =>
  sql`coalesce(${data} -> 'sender' ->> 'id', ${data} -> 'notification' -> 'actor' ->> 'id', ${data} ->> 'readerId')::int`

/**
 * Catching up replays stored events: those from someone a block now separates from the user
 * (either way) are left out, as the notification list leaves out theirs. Live events need no such
 * filter, since after a block nothing makes one from the other person: the send statement refuses
 * messages, notify() checks the block in the write's transaction, and typing indicators and read
 * receipts are not forwarded across it (features/messages). message.deleted, which names nobody
 * and only takes content away, still reaches both.
 */
const fromVisibleActor = (userId: number, data: AnyColumn | SQL) => notBlockedEitherWay(userId, actorOf(data))

/**
 * One page of a user's events after `afterId`, oldest first (stream_events_user_idx), without those
 * a block hides (fromVisibleActor).
 */
export async function eventsAfter(db: DbOrTx, userId: number, afterId: number, limit: number): Promise<StreamEvent[]> {
  const rows = await db
    .select({ id: streamEvents.id, type: streamEvents.type, data: streamEvents.data })
    .from(streamEvents)
    .where(and(eq(streamEvents.userId, userId), gt(streamEvents.id, afterId), fromVisibleActor(userId, streamEvents.data)))
    .orderBy(asc(streamEvents.id))
    .limit(limit)
  return rows.map((r) => ({ id: Number(r.id), type: r.type as StreamEventType, data: r.data as Record<string, unknown> }))
}

/**
 * The user's events just below `beforeId` that were written no more than `windowSeconds` before it,
 * oldest first. Ids are drawn when a row is inserted, not when it commits, and an event is
 * published after its commit: an event with a smaller id can commit (or be published) after a
 * larger one was already delivered, so a client resuming from `beforeId` may never have seen it.
 * The catch-up sends these again and clients drop the ids they already have. Reads at most `limit`
 * of the newest events below `beforeId` (a bounded backward scan of stream_events_user_idx), and
 * leaves out those a block hides (fromVisibleActor).
 */
export async function recentEventsBefore(
  db: DbOrTx,
  userId: number,
  beforeId: number,
  windowSeconds: number,
  limit: number,
): Promise<StreamEvent[]> {
  const rows = await queryRows<{ id: number | string; type: string; data: Record<string, unknown> }>(
    db,
    sql`
    SELECT e.id, e.type, e.data
    FROM (
      SELECT s.id, s.type, s.data, s.created_at FROM stream_events s
      WHERE s.user_id = ${userId} AND s.id < ${beforeId}
      ORDER BY s.id DESC
      LIMIT ${limit}
    ) e
    WHERE e.created_at >= (SELECT b.created_at FROM stream_events b WHERE b.user_id = ${userId} AND b.id = ${beforeId}) - make_interval(secs => ${windowSeconds})
      AND ${fromVisibleActor(userId, sql.raw('e.data'))}
    ORDER BY e.id`,
  )
  return rows.map((r) => ({ id: Number(r.id), type: r.type as StreamEventType, data: r.data }))
}

/**
 * Forgets the `notification.created` events of notifications that were deleted (a block), as the
 * notifications themselves are: fromVisibleActor hides the other person's events only while the
 * block stands, and an unblock must not let a later catch-up replay them; this also covers those a
 * third person caused about the other's posts ("X replied to your comment" under them). Message
 * events stay (the conversation's history is kept, read-only). Reads each user's events on
 * stream_events_user_idx, at most the retention's worth.
 */
export async function deleteNotificationEvents(db: DbOrTx, gone: { userId: number; id: number }[]): Promise<void> {
  if (gone.length === 0) return
  const userIds = [...new Set(gone.map((g) => g.userId))]
  const ids = gone.map((g) => String(g.id))
  await db
    .delete(streamEvents)
    .where(
      and(
        inArray(streamEvents.userId, userIds),
        eq(streamEvents.type, 'notification.created'),
        inArray(sql`${streamEvents.data} -> 'notification' ->> 'id'`, ids),
      ),
    )
}

/** Whether the event a client resumes from is still kept (if not, it may have missed pruned events). */
export async function eventExists(db: DbOrTx, userId: number, id: number): Promise<boolean> {
  const [row] = await db
    .select({ id: streamEvents.id })
    .from(streamEvents)
    .where(and(eq(streamEvents.userId, userId), eq(streamEvents.id, id)))
    .limit(1)
  return row !== undefined
}

/** The id of the user's newest event, or 0: where a client without history starts from. */
export async function lastEventId(db: DbOrTx, userId: number): Promise<number> {
  const [row] = await db
    .select({ id: streamEvents.id })
    .from(streamEvents)
    .where(eq(streamEvents.userId, userId))
    .orderBy(sql`${streamEvents.id} DESC`)
    .limit(1)
  return row ? Number(row.id) : 0
}

/** Deletes up to `batch` events older than the retention; returns how many went. */
export async function pruneEvents(db: DbOrTx, olderThanSeconds: number, batch: number): Promise<number> {
  const old = db
    .select({ id: streamEvents.id })
    .from(streamEvents)
    .where(lt(streamEvents.createdAt, sql`now() - make_interval(secs => ${olderThanSeconds})`))
    .limit(batch)
  const deleted = await db.delete(streamEvents).where(inArray(streamEvents.id, old)).returning({ id: streamEvents.id })
  return deleted.length
}
