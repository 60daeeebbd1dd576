// /@username: who they are, their counts, follow / message, and their posts.
import { useState } from 'react'
import { Link, useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { useSession } from '../../api/session'
import type { PublicProfile } from '../../api/types'
import { count } from '../../lib/format'
import { useInfinite } from '../../lib/use-infinite'
import { useQuery } from '../../lib/use-query'
import { Avatar } from '../../ui/avatar'
import { Button } from '../../ui/controls'
import { Dialog } from '../../ui/dialog'
import { GridIcon, ImageIcon, MoreIcon, SettingsIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'
import { PostGrid } from '../posts/post-grid'
import { freshPosts } from '../posts/post-store'
import { rememberConversation } from '../messages/conversation-cache'
import { ReportDialog } from '../posts/report-dialog'
import { FollowButton } from './follow-button'
import { useTitle } from '../../lib/use-title'

export function ProfilePage({ username }: { username: string }) {
  useTitle(`@${username}`)
  const profile = useQuery(`profile:${username.toLowerCase()}`, () =>
    call(api.GET('/api/hearth/v1/users/lookup', { params: { query: { username } } })),
  )

  if (!profile.data) {
    if (profile.error) {
      return (
        <div className="column">
          {profile.error.status === 404 ? (
            <Empty title="This account doesn’t exist">
              <p>The link may be wrong, or the account may have been removed.</p>
            </Empty>
          ) : (
            <ErrorState error={profile.error} retry={() => void profile.reload()} />
          )}
        </div>
      )
    }
    return <Loading label="Loading profile" />
  }
  return <Profile profile={profile.data} setProfile={(p) => profile.set(p)} />
}

function Profile({ profile, setProfile }: { profile: PublicProfile; setProfile: (p: PublicProfile) => void }) {
  const session = useSession()
  const [, navigate] = useLocation()
  const [menu, setMenu] = useState<null | 'menu' | 'report'>(null)
  const [messaging, setMessaging] = useState(false)
  const signedIn = session.status === 'signed-in'
  const posts = useInfinite(`posts:user:${profile.id}`, async (cursor) => {
    const page = await call(
      api.GET('/api/hearth/v1/users/{id}/posts', { params: { path: { id: profile.id }, query: { cursor, limit: 24 } } }),
    )
    return { ...page, items: freshPosts(page.items) }
  })

  const onFollow = (following: boolean, followersCount?: number) =>
    setProfile({
      ...profile,
      isFollowing: following,
      followersCount:
        followersCount ??
        (following === profile.isFollowing ? profile.followersCount : Math.max(0, profile.followersCount + (following ? 1 : -1))),
    })

  const message = async () => {
    setMessaging(true)
    try {
      const convo = await call(api.POST('/api/hearth/v1/conversations', { body: { userId: profile.id } }))
      rememberConversation(convo)
      navigate(`/messages/${convo.id}`)
    } catch (e) {
      toast(failureOf(e).message, 'error')
      setMessaging(false)
    }
  }

  return (
    <div className="column--wide">
      <header className="profile-head">
        <div className="profile-head__avatar">
          <Avatar user={profile} size={150} />
        </div>
        <div>
          <div className="profile-head__top">
            <h1 className="profile-head__username">{profile.username}</h1>
            {profile.role === 'admin' ? <span className="tag tag--admin">Admin</span> : null}
            {profile.isMe ? (
              <>
                <Link href="/settings/profile" className="btn btn--secondary btn--small">
                  <span className="btn__label">Edit profile</span>
                </Link>
                <Link href="/settings" className="icon-btn" aria-label="Settings">
                  <SettingsIcon size={22} />
                </Link>
              </>
            ) : (
              <>
                <FollowButton userId={profile.id} username={profile.username} following={profile.isFollowing} onChange={onFollow} small />
                {signedIn ? (
                  <Button variant="secondary" small busy={messaging} onClick={() => void message()}>
                    Message
                  </Button>
                ) : null}
                {signedIn ? (
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`More options for ${profile.username}`}
                    onClick={() => setMenu('menu')}
                  >
                    <MoreIcon />
                  </button>
                ) : null}
              </>
            )}
          </div>
          <ul className="profile-head__counts">
            <li>
              <span>
                <strong>{count(profile.postsCount)}</strong> {profile.postsCount === 1 ? 'post' : 'posts'}
              </span>
            </li>
            <li>
              <Link href={`/@${profile.username}/followers`}>
                <strong>{count(profile.followersCount)}</strong> {profile.followersCount === 1 ? 'follower' : 'followers'}
              </Link>
            </li>
            <li>
              <Link href={`/@${profile.username}/following`}>
                <strong>{count(profile.followingCount)}</strong> following
              </Link>
            </li>
          </ul>
          <div className="profile-head__about">
            {profile.displayName ? <p className="profile-head__name">{profile.displayName}</p> : null}
            {profile.bio ? <p className="profile-head__bio">{profile.bio}</p> : null}
          </div>
        </div>
      </header>

      <nav className="tabs" aria-label="Profile sections">
        <span className="tab is-active" aria-current="page">
          <GridIcon size={14} /> Posts
        </span>
      </nav>

      {!posts.loaded ? (
        <Loading label="Loading posts" />
      ) : posts.error && posts.items.length === 0 ? (
        <ErrorState error={posts.error} retry={() => void posts.reload()} />
      ) : posts.items.length === 0 ? (
        <Empty icon={<ImageIcon size={34} />} title={profile.isMe ? 'Share your first photo' : 'No posts yet'}>
          {profile.isMe ? (
            <p>
              <Link href="/new">Create a post</Link> and it will appear on your profile.
            </p>
          ) : (
            <p>When {profile.username} shares photos, you’ll see them here.</p>
          )}
        </Empty>
      ) : (
        <>
          <PostGrid posts={posts.items} />
          <LoadMore hasMore={posts.hasMore} loading={posts.loading} error={posts.error} onMore={posts.loadMore} />
        </>
      )}

      <Dialog open={menu === 'menu'} onClose={() => setMenu(null)} title={profile.username}>
        <ul className="menu">
          <li>
            <button type="button" className="is-danger" onClick={() => setMenu('report')}>
              Report account
            </button>
          </li>
          <li>
            <button
              type="button"
              onClick={() => {
                void navigator.clipboard?.writeText(`${location.origin}/@${profile.username}`).then(() => toast('Link copied'))
                setMenu(null)
              }}
            >
              Copy profile link
            </button>
          </li>
          <li>
            <button type="button" onClick={() => setMenu(null)}>
              Cancel
            </button>
          </li>
        </ul>
      </Dialog>
      <ReportDialog open={menu === 'report'} onClose={() => setMenu(null)} target={{ userId: profile.id }} what="account" />
    </div>
  )
}
