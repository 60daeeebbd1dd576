// Who is on the other side of a conversation, remembered from the inbox or from opening it, so
// the conversation header shows at once (there is no GET /conversations/:id).
import type { Conversation, UserSummary } from '../../api/types'

const others = new Map<number, UserSummary>()

export function rememberConversation(c: Pick<Conversation, 'id' | 'otherUser'>) {
  others.set(c.id, c.otherUser)
}

export function otherUserOf(conversationId: number): UserSummary | undefined {
  return others.get(conversationId)
}
