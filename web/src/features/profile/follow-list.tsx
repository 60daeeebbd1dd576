// /@username/followers and /@username/following.
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { useSession } from '../../api/session'
import type { FollowListUser } from '../../api/types'
import { useQuery } from '../../lib/use-query'
import { ChevronLeft, LockIcon } from '../../ui/icons'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { PeopleList } from '../posts/people-dialog'
import { FollowButton } from './follow-button'
import { useTitle } from '../../lib/use-title'

/** A row of the list, with a follow request sent from this screen (a private account's answer). */
type Row = FollowListUser & { requested?: boolean }

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
        {profile.data && !profile.data.canSeePosts ? (
          <Empty icon={<LockIcon size={34} />} title={profile.data.blocking ? `You blocked @${username}` : 'This account is private'}>
            {profile.data.blocking ? null : <p>Follow {username} to see who they follow and who follows them.</p>}
          </Empty>
        ) : profile.data ? (
          <PeopleList<Row>
            listKey={`${list}:${profile.data.id}`}
            empty={list === 'followers' ? `No one follows ${username} yet` : `${username} doesn’t follow anyone yet`}
            action={(u, update) =>
              meId !== undefined && u.id !== meId ? (
                <FollowButton
                  small
                  userId={u.id}
                  username={u.username}
                  state={u.isFollowing ? 'following' : u.requested ? 'requested' : 'none'}
                  onChange={(s) => update({ ...u, isFollowing: s === 'following', requested: s === 'requested' })}
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
