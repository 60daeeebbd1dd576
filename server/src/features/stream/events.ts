// Realtime events: each is a stream_events row written in the transaction that causes it (so a
// reconnecting client can catch up from the database), then published on the event bus once that
// transaction has committed (so connected clients get it at once, on whichever instance).
// Blocks: the writes that record events from another person refuse or skip them across a block,
// and the catch-up leaves out stored ones from before it (queries.ts, fromVisibleActor).
import type { EventBus } from '../../platform/bus/index.js'
import type { AfterCommit } from '../../platform/db/transaction.js'
import type { Tx } from '../../platform/db/types.js'
import { insertEvents } from './queries.js'

export type StreamEventType = 'message.created' | 'message.read' | 'message.deleted' | 'notification.created' | 'notification.read'

/** What a client receives: `id` orders events per user and is the `since` to reconnect with. */
export interface StreamEvent {
  id: number
  type: StreamEventType
  data: Record<string, unknown>
}

export interface EventInput {
  userId: number
  type: StreamEventType
  data: Record<string, unknown>
}

/** The bus channel carrying one user's events; every instance holding a stream of theirs listens. */
export const userChannel = (userId: number) => `stream:user:${userId}`

/** Sessions ended (logout, revocation, blocking): `{ sessionTokens: string[] }`. */
export const REVOKED_CHANNEL = 'sessions:revoked'

/** Pushed to whoever is connected and never stored: a late client has no use for it (typing). */
export interface EphemeralEvent {
  type: 'typing'
  data: Record<string, unknown>
}

export interface BusMessage {
  userId: number
  event: StreamEvent | EphemeralEvent
}

/**
 * Records events for their users inside `tx` and publishes them after commit. Returns the events
 * with their ids, in input order.
 */
export async function recordEvents(ctx: { bus: EventBus }, tx: Tx, afterCommit: AfterCommit, inputs: EventInput[]): Promise<StreamEvent[]> {
  if (inputs.length === 0) return []
  const rows = await insertEvents(tx, inputs)
  const published = rows.map((r, i) => ({ userId: inputs[i]!.userId, event: { id: r.id, type: inputs[i]!.type, data: inputs[i]!.data } }))
  afterCommit(() => publishEvents(ctx.bus, published))
  return published.map((m) => m.event)
}

/**
 * Publishes recorded events, once the statement or transaction that recorded them has committed.
 * At most once: a lost publish is made good by the catch-up on the next reconnect. Issued in one
 * tick, they leave in one write on the auto-pipelined Redis client (platform/cache/redis.ts).
 */
export async function publishEvents(bus: EventBus, events: { userId: number; event: StreamEvent }[]): Promise<void> {
  await Promise.all(events.map((m) => bus.publish(userChannel(m.userId), m satisfies BusMessage)))
}

/** Publishes an ephemeral event to a user's connections on every instance. */
export async function publishEphemeral(bus: EventBus, userId: number, event: EphemeralEvent): Promise<void> {
  await bus.publish(userChannel(userId), { userId, event } satisfies BusMessage)
}
