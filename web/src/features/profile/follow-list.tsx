// /@username/followers and /@username/following.
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { useSession } from '../../api/session'
import type { FollowListUser } from '../../api/types'
import { useQuery } from '../../lib/use-query'
import { ChevronLeft } from '../../ui/icons'
import { ErrorState, Loading } from '../../ui/states'
import { PeopleList } from '../posts/people-dialog'
import { FollowButton } from './follow-button'
import { useTitle } from '../../lib/use-title'

export function FollowList({ username, list }: { username: string; list: 'followers' | 'following' }) {
  const profile = useQuery(`profile:${username.toLowerCase()}`, () =>
    call(api.GET('/api/hearth/v1/users/lookup', { params: { query: { username } } })),
  )
  useTitle(`${list === 'followers' ? 'Followers' : 'Following'} · @${username}`)
  const session = useSession()
  const meId = session.user?.id
  const title = list === 'followers' ? 'Followers' : 'Following'
  return (
    <div className="column">
      <div className="page-head">
        <Link href={`/@${username}`} className="icon-btn" aria-label={`Back to ${username}`}>
          <ChevronLeft />
        </Link>
        <h1 style={{ flex: 1 }}>
          {title}{' '}
          <span className="muted" style={{ fontWeight: 400 }}>
            · {username}
          </span>
        </h1>
      </div>
      <section className="card" aria-label={title}>
        {profile.data ? (
          <PeopleList<FollowListUser>
            listKey={`${list}:${profile.data.id}`}
            empty={list === 'followers' ? `No one follows ${username} yet` : `${username} doesn’t follow anyone yet`}
            action={(u, update) =>
              meId !== undefined && u.id !== meId ? (
                <FollowButton
                  small
                  userId={u.id}
                  username={u.username}
                  following={u.isFollowing}
                  onChange={(f) => update({ ...u, isFollowing: f })}
                />
              ) : null
            }
            fetchPage={(cursor) =>
              call(
                list === 'followers'
                  ? api.GET('/api/hearth/v1/users/{id}/followers', {
                      params: { path: { id: profile.data!.id }, query: { cursor, limit: 20 } },
                    })
                  : api.GET('/api/hearth/v1/users/{id}/following', {
                      params: { path: { id: profile.data!.id }, query: { cursor, limit: 20 } },
                    }),
              )
            }
          />
        ) : profile.error ? (
          <ErrorState error={profile.error} retry={() => void profile.reload()} />
        ) : (
          <Loading />
        )}
      </section>
    </div>
  )
}
