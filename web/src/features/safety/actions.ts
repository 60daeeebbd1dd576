// Block, unblock, mute, unmute: the API call, then what the screens must forget. A block takes the
// person's posts off every screen at once, a mute off the feeds (home, explore); lists and
// profiles loaded before are dropped from the caches so the next visit asks the server again.
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { forgetList } from '../../lib/use-infinite'
import { invalidate } from '../../lib/use-query'
import { refreshCounts } from '../live/stream'
import { setAuthorHidden } from '../posts/post-store'

export interface SafetyTarget {
  id: number
  username: string
}

function forgetViews() {
  invalidate('profile:')
  invalidate('relationship:')
  invalidate('suggested:')
  forgetList('feed:')
  forgetList('posts:')
  forgetList('followers:')
  forgetList('following:')
  forgetList('likes:')
  forgetList('notifications:')
  forgetList('safety:')
}

export async function setBlocked(user: SafetyTarget, blocked: boolean): Promise<void> {
  const params = { params: { path: { id: user.id } } }
  await call(blocked ? api.PUT('/api/hearth/v1/users/{id}/block', params) : api.DELETE('/api/hearth/v1/users/{id}/block', params))
  setAuthorHidden(user.id, 'blocked', blocked)
  forgetViews()
  // A block deletes the notifications between the two people: the bell counts again.
  if (blocked) refreshCounts()
}

export async function setMuted(user: SafetyTarget, muted: boolean): Promise<void> {
  const params = { params: { path: { id: user.id } } }
  await call(muted ? api.PUT('/api/hearth/v1/users/{id}/mute', params) : api.DELETE('/api/hearth/v1/users/{id}/mute', params))
  setAuthorHidden(user.id, 'muted', muted)
  forgetViews()
}

/** What each action does, said before it is done (confirmations) and after (the blocked profile). */
export const explain = {
  block:
    'They won’t be able to see your profile or posts, or message you, and you won’t see theirs. Follows between you end, and their likes and comments leave your posts. They won’t be told.',
  unblock:
    'They will be able to see your profile and posts, follow you and message you again. Follows, likes and comments removed by the block don’t come back. They won’t be told.',
  mute: 'Their posts leave your home feed and explore, and their likes, comments and follows stop notifying you. You can still see their profile and message each other. They won’t be told.',
}
