// /@username: who they are, their counts, follow / message, and their posts. A private account
// shows its header to non-followers and says it is private; a blocked one says so, with Unblock.
import { useState } from 'react'
import { Link, useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { useSession } from '../../api/session'
import type { PublicProfile } from '../../api/types'
import { count } from '../../lib/format'
import { useInfinite } from '../../lib/use-infinite'
import { useQuery } from '../../lib/use-query'
import { useTitle } from '../../lib/use-title'
import { Avatar } from '../../ui/avatar'
import { Button } from '../../ui/controls'
import { Dialog } from '../../ui/dialog'
import { BookmarkIcon, GridIcon, ImageIcon, LockIcon, MoreIcon, SettingsIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'
import { useLive } from '../live/live'
import { rememberConversation } from '../messages/conversation-cache'
import { PostGrid } from '../posts/post-grid'
import { freshPosts } from '../posts/post-store'
import { useSafetyMenu, type SafetyState } from '../safety/safety-menu'
import { SavedPosts } from './saved-posts'
import { FollowButton, followStateOf, type FollowState } from './follow-button'

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
  return <Profile profile={profile.data} setProfile={(p) => profile.set(p)} reload={() => void profile.reload()} />
}

function Profile({ profile, setProfile, reload }: { profile: PublicProfile; setProfile: (p: PublicProfile) => void; reload: () => void }) {
  const session = useSession()
  const live = useLive()
  const [, navigate] = useLocation()
  const [menu, setMenu] = useState(false)
  const [messaging, setMessaging] = useState(false)
  // Saved posts are private: the tab exists on one's own profile only.
  const [tab, setTab] = useState<'posts' | 'saved'>('posts')
  const showSaved = profile.isMe && tab === 'saved'
  const signedIn = session.status === 'signed-in'
  const posts = useInfinite(profile.canSeePosts && !showSaved ? `posts:user:${profile.id}` : null, async (cursor) => {
    const page = await call(
      api.GET('/api/hearth/v1/users/{id}/posts', { params: { path: { id: profile.id }, query: { cursor, limit: 24 } } }),
    )
    return { ...page, items: freshPosts(page.items) }
  })
  const safety = useSafetyMenu({
    user: profile,
    state: { blocking: profile.blocking, muting: profile.muting },
    report: { target: { userId: profile.id }, what: 'account', label: 'Report account' },
    closeMenu: () => setMenu(false),
    onChange: (next: SafetyState) => {
      // At once on screen; the server's copy (counts, follows ended by a block) follows.
      setProfile({ ...profile, ...next, ...(next.blocking ? { isFollowing: false, followRequested: false, canSeePosts: false } : {}) })
      reload()
    },
  })

  const onFollow = (state: FollowState, followersCount?: number) => {
    const following = state === 'following'
    setProfile({
      ...profile,
      isFollowing: following,
      followRequested: state === 'requested',
      followersCount:
        followersCount ??
        (following === profile.isFollowing ? profile.followersCount : Math.max(0, profile.followersCount + (following ? 1 : -1))),
    })
    // Accepted at once (a public account) or no longer following a private one: what may be seen changed.
    if (followersCount !== undefined && profile.isPrivate && following !== profile.canSeePosts) reload()
  }

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

  const countLink = (list: 'followers' | 'following', n: number, label: string) =>
    profile.canSeePosts ? (
      <Link href={`/@${profile.username}/${list}`}>
        <strong>{count(n)}</strong> {label}
      </Link>
    ) : (
      <span>
        <strong>{count(n)}</strong> {label}
      </span>
    )

  return (
    <div className="column--wide">
      <header className="profile-head">
        <div className="profile-head__avatar">
          <Avatar user={profile} size={150} />
        </div>
        <div>
          <div className="profile-head__top">
            <h1 className="profile-head__username">{profile.username}</h1>
            {profile.isPrivate ? (
              <span className="profile-head__lock" title="Private account">
                <LockIcon size={16} />
                <span className="sr-only">Private account</span>
              </span>
            ) : null}
            {profile.role === 'admin' ? <span className="tag tag--admin">Admin</span> : null}
            {profile.isMe ? (
              <>
                <Link href="/settings/profile" className="btn btn--secondary btn--small">
                  <span className="btn__label">Edit profile</span>
                </Link>
                {profile.isPrivate || live.followRequests > 0 ? (
                  <Link href="/follow-requests" className="btn btn--secondary btn--small">
                    <span className="btn__label">Follow requests</span>
                    {live.followRequests > 0 ? (
                      <span className="badge badge--inline" aria-label={`${live.followRequests} waiting`}>
                        {live.followRequests}
                      </span>
                    ) : null}
                  </Link>
                ) : null}
                <Link href="/settings" className="icon-btn" aria-label="Settings">
                  <SettingsIcon size={22} />
                </Link>
              </>
            ) : (
              <>
                {profile.blocking ? (
                  <Button variant="secondary" small onClick={() => safety.ask('unblock')}>
                    Unblock
                  </Button>
                ) : (
                  <>
                    <FollowButton
                      userId={profile.id}
                      username={profile.username}
                      state={followStateOf(profile)}
                      isPrivate={profile.isPrivate}
                      onChange={onFollow}
                      small
                    />
                    {signedIn ? (
                      <Button variant="secondary" small busy={messaging} onClick={() => void message()}>
                        Message
                      </Button>
                    ) : null}
                  </>
                )}
                {signedIn ? (
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`More options for ${profile.username}`}
                    aria-haspopup="dialog"
                    onClick={() => setMenu(true)}
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
            <li>{countLink('followers', profile.followersCount, profile.followersCount === 1 ? 'follower' : 'followers')}</li>
            <li>{countLink('following', profile.followingCount, 'following')}</li>
          </ul>
          <div className="profile-head__about">
            {profile.displayName ? <p className="profile-head__name">{profile.displayName}</p> : null}
            {profile.bio ? <p className="profile-head__bio">{profile.bio}</p> : null}
            {!profile.isMe && (profile.followedBy || profile.muting) ? (
              <p className="profile-head__tags">
                {profile.followedBy && !profile.blocking ? <span className="tag tag--muted">Follows you</span> : null}
                {profile.muting ? <span className="tag tag--muted">Muted</span> : null}
              </p>
            ) : null}
          </div>
        </div>
      </header>

      {profile.blocking ? (
        <Empty icon={<LockIcon size={34} />} title={`You blocked @${profile.username}`}>
          <p>They can’t see your profile or posts, or message you, and you don’t see theirs. They haven’t been told.</p>
          <p style={{ marginTop: 14 }}>
            <Button variant="secondary" onClick={() => safety.ask('unblock')}>
              Unblock
            </Button>
          </p>
        </Empty>
      ) : !profile.canSeePosts ? (
        <Empty icon={<LockIcon size={34} />} title="This account is private">
          {profile.followRequested ? (
            <p>You asked to follow {profile.username}. You’ll see their photos once they accept.</p>
          ) : (
            <p>Follow {profile.username} to see their photos.</p>
          )}
        </Empty>
      ) : (
        <>
          <nav className="tabs" aria-label="Profile sections">
            {profile.isMe ? (
              <>
                <button
                  type="button"
                  className={tab === 'posts' ? 'tab is-active' : 'tab'}
                  aria-current={tab === 'posts' ? 'page' : undefined}
                  onClick={() => setTab('posts')}
                >
                  <GridIcon size={14} /> Posts
                </button>
                <button
                  type="button"
                  className={tab === 'saved' ? 'tab is-active' : 'tab'}
                  aria-current={tab === 'saved' ? 'page' : undefined}
                  onClick={() => setTab('saved')}
                >
                  <BookmarkIcon size={14} /> Saved
                </button>
              </>
            ) : (
              <span className="tab is-active" aria-current="page">
                <GridIcon size={14} /> Posts
              </span>
            )}
          </nav>
          {showSaved ? (
            <SavedPosts userId={profile.id} />
          ) : !posts.loaded ? (
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
        </>
      )}

      <Dialog open={menu} onClose={() => setMenu(false)} title={profile.username}>
        <ul className="menu">
          {safety.items}
          <li>
            <button
              type="button"
              onClick={() => {
                void navigator.clipboard?.writeText(`${location.origin}/@${profile.username}`).then(() => toast('Link copied'))
                setMenu(false)
              }}
            >
              Copy profile link
            </button>
          </li>
          <li>
            <button type="button" onClick={() => setMenu(false)}>
              Cancel
            </button>
          </li>
        </ul>
      </Dialog>
      {profile.isMe ? null : safety.dialogs}
    </div>
  )
}
