// Typing indicators. A client says `{"type": "typing", "conversationId": 12}` on its stream while
// the user types; the other participant's streams get `{"type": "typing", "data": {conversationId,
// userId}}`. Nothing is stored (a late client has no use for it). Each stream checks a
// conversation once and remembers the answer, and forwards at most one indicator per conversation
// every THROTTLE_MS, so a fast typist costs little. Across a block (either way) nothing is
// forwarded: that is asked of the database for each indicator forwarded (one indexed query per
// conversation every THROTTLE_MS at most), so a block made mid-conversation stops it at once.
import type { AppContext } from '../../context.js'
import { type ClientMessageHandler, type Connection, publishEphemeral } from '../stream/index.js'
import { blocksBetween } from '../visibility/index.js'
import { findConversationFor } from './queries.js'

const THROTTLE_MS = 2000
/** conversations remembered per stream */
const MAX_REMEMBERED = 50

interface Known {
  /** the other participant, or null when the caller may not post there (one lookup, shared) */
  otherId: Promise<number | null>
  lastSent: number
}

export function typingHandler(ctx: Pick<AppContext, 'database' | 'bus'>): ClientMessageHandler {
  const known = new WeakMap<Connection, Map<number, Known>>()
  return async (conn, message) => {
    const id = message.conversationId
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) return
    let mine = known.get(conn)
    if (!mine) known.set(conn, (mine = new Map<number, Known>()))
    let entry = mine.get(id)
    if (!entry) {
      const otherId = findConversationFor(ctx.database.db, id, conn.userId).then(
        (found) => (found && !found.other.isBlocked ? found.other.id : null),
        () => (mine.delete(id), null), // asked again next time
      )
      entry = { otherId, lastSent: 0 }
      if (mine.size >= MAX_REMEMBERED) mine.delete(mine.keys().next().value!)
      mine.set(id, entry)
    }
    const now = Date.now()
    if (now - entry.lastSent < THROTTLE_MS) return
    entry.lastSent = now
    const otherId = await entry.otherId
    if (otherId === null) return
    const blocks = await blocksBetween(ctx.database.db, conn.userId, otherId)
    if (blocks.aBlocksB || blocks.bBlocksA) return
    await publishEphemeral(ctx.bus, otherId, { type: 'typing', data: { conversationId: id, userId: conn.userId } })
  }
}
