// Who is on the other side of a conversation, and whether a block made it read-only, remembered
// from the inbox or from opening it, so the conversation shows them at once (there is no
// GET /conversations/:id).
import type { Conversation, UserSummary } from '../../api/types'

const others = new Map<number, UserSummary>()
const readOnly = new Set<number>()

export function rememberConversation(c: Pick<Conversation, 'id' | 'otherUser'> & { readOnly?: boolean }) {
  others.set(c.id, c.otherUser)
  if (c.readOnly === true) readOnly.add(c.id)
  else if (c.readOnly === false) readOnly.delete(c.id)
}

export function isReadOnly(conversationId: number): boolean {
  return readOnly.has(conversationId)
}

export function otherUserOf(conversationId: number): UserSummary | undefined {
  return others.get(conversationId)
}
