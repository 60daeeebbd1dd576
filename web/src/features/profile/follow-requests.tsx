// /follow-requests: people asking to follow this (private) account. Accept makes them a follower;
// reject drops the request without telling them. The badge count follows each answer.
import { useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { useSession } from '../../api/session'
import type { Ok } from '../../api/types'
import { fullDate, timeAgo } from '../../lib/format'
import { useInfinite } from '../../lib/use-infinite'
import { invalidate } from '../../lib/use-query'
import { useTitle } from '../../lib/use-title'
import { Avatar } from '../../ui/avatar'
import { Button } from '../../ui/controls'
import { UserPlusIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'
import { getLive, setLive } from '../live/live'

type Requester = Ok<'/api/hearth/v1/follow-requests', 'get'>['items'][number]

export function FollowRequests() {
  useTitle('Follow requests')
  const session = useSession()
  const me = session.user
  const list = useInfinite('follow-requests', (cursor) =>
    call(api.GET('/api/hearth/v1/follow-requests', { params: { query: { cursor, limit: 20 } } })),
  )
  // Answered on this visit: accepted rows stay (saying so), rejected ones leave.
  const [accepted, setAccepted] = useState<Set<number>>(new Set())
  const [busy, setBusy] = useState<number | null>(null)

  const answered = () => setLive({ followRequests: Math.max(0, getLive().followRequests - 1) })

  const answer = async (u: Requester, action: 'accept' | 'reject') => {
    setBusy(u.id)
    try {
      const params = { params: { path: { userId: u.id } } }
      await call(
        action === 'accept'
          ? api.POST('/api/hearth/v1/follow-requests/{userId}/accept', params)
          : api.POST('/api/hearth/v1/follow-requests/{userId}/reject', params),
      )
      if (action === 'accept') setAccepted((s) => new Set(s).add(u.id))
      else list.update((items) => items.filter((i) => i.id !== u.id))
      answered()
      toast(action === 'accept' ? `${u.username} now follows you` : `Request from ${u.username} removed`)
      invalidate('profile:')
    } catch (e) {
      const f = failureOf(e)
      if (f.code === 'follow_request_not_found') {
        // Withdrawn meanwhile: nothing left to answer.
        list.update((items) => items.filter((i) => i.id !== u.id))
        answered()
      }
      toast(f.message, 'error')
    } finally {
      setBusy(null)
    }
  }

  return (
    <div className="column">
      <div className="page-head">
        <h1>Follow requests</h1>
      </div>
      <section className="card" aria-label="Follow requests">
        {!list.loaded ? (
          <Loading />
        ) : list.error && list.items.length === 0 ? (
          <ErrorState error={list.error} retry={() => void list.reload()} />
        ) : list.items.length === 0 ? (
          <Empty icon={<UserPlusIcon size={34} />} title="No follow requests">
            {me?.isPrivate ? (
              <p>When someone asks to follow your private account, you’ll see them here.</p>
            ) : (
              <p>
                Your account is public: anyone can follow you without asking. You can make it private in{' '}
                <Link href="/settings/privacy">Settings › Privacy</Link>.
              </p>
            )}
          </Empty>
        ) : (
          <ul className="people">
            {list.items.map((u) => (
              <li key={u.id} className="person">
                <Link href={`/@${u.username}`} className="person__who">
                  <Avatar user={u} size={44} />
                  <span className="person__names">
                    <strong>{u.username}</strong>
                    <span>
                      {u.displayName ? `${u.displayName} · ` : ''}
                      <time dateTime={u.requestedAt} title={fullDate(u.requestedAt)}>
                        {timeAgo(u.requestedAt)}
                      </time>
                    </span>
                  </span>
                </Link>
                {accepted.has(u.id) ? (
                  <span className="muted small" role="status">
                    Accepted
                  </span>
                ) : (
                  <span className="request-actions">
                    <Button small busy={busy === u.id} aria-label={`Accept ${u.username}`} onClick={() => void answer(u, 'accept')}>
                      Accept
                    </Button>
                    <Button
                      small
                      variant="secondary"
                      disabled={busy === u.id}
                      aria-label={`Reject ${u.username}`}
                      onClick={() => void answer(u, 'reject')}
                    >
                      Reject
                    </Button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
        <LoadMore hasMore={list.hasMore} loading={list.loading} error={list.error} onMore={list.loadMore} />
      </section>
    </div>
  )
}
