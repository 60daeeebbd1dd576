// "Suggested for you": people who posted recently, for someone who follows no one yet (a new
// account's welcome and an empty home feed). Shown only then, so "Follow" is always accurate.
import { useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { useSession } from '../../api/session'
import type { UserSummary } from '../../api/types'
import { forgetList } from '../../lib/use-infinite'
import { useQuery } from '../../lib/use-query'
import { Avatar } from '../../ui/avatar'
import { FollowButton, type FollowState } from '../profile/follow-button'

export function SuggestedPeople({ onFollow }: { onFollow?: () => void }) {
  const session = useSession()
  const meId = session.user?.id
  const [following, setFollowing] = useState<Record<number, FollowState>>({})
  const recent = useQuery('suggested:people', () =>
    call(api.GET('/api/hearth/v1/feed/explore', { params: { query: { limit: 50, sort: 'recent' } } })),
  )
  const people: UserSummary[] = []
  for (const p of recent.data?.items ?? []) {
    if (p.author.id !== meId && !people.some((u) => u.id === p.author.id)) people.push(p.author)
  }
  if (people.length === 0) return null
  return (
    <section className="suggested" aria-labelledby="suggested-title">
      <h2 id="suggested-title" className="suggested__title">
        Suggested for you
      </h2>
      <ul className="suggested__list">
        {people.slice(0, 10).map((u) => (
          <li key={u.id} className="card suggested__card">
            <Link href={`/@${u.username}`} className="suggested__who">
              <Avatar user={u} size={64} />
              <strong>{u.username}</strong>
              <span className="muted small">{u.displayName ?? '\u00a0'}</span>
            </Link>
            <FollowButton
              small
              userId={u.id}
              username={u.username}
              state={following[u.id] ?? 'none'}
              onChange={(f) => {
                setFollowing((s) => ({ ...s, [u.id]: f }))
                forgetList('feed:home')
                onFollow?.()
              }}
            />
          </li>
        ))}
      </ul>
    </section>
  )
}
