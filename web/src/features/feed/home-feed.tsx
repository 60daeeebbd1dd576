// Home: posts of the people you follow and your own, newest first, loaded as you scroll.
import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { useSession } from '../../api/session'
import { useInfinite } from '../../lib/use-infinite'
import { Button } from '../../ui/controls'
import { CompassIcon, PlusIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { PostCard } from '../posts/post-card'
import { freshPosts } from '../posts/post-store'
import { rememberFeed } from '../pwa/last-feed'
import { SuggestedPeople } from './suggested-people'
import { useTitle } from '../../lib/use-title'

export function HomeFeed() {
  useTitle('Home')
  const [followedSome, setFollowedSome] = useState(false)
  const feed = useInfinite('feed:home', async (cursor) => {
    const page = await call(api.GET('/api/hearth/v1/feed', { params: { query: { cursor, limit: 20 } } }))
    return { ...page, items: freshPosts(page.items) }
  })
  // The offline page shows the latest of these when the network is gone.
  const username = useSession().user?.username
  useEffect(() => {
    if (username && feed.loaded && !feed.error) rememberFeed(username, feed.items)
  }, [username, feed.loaded, feed.error, feed.items])

  return (
    <div className="column">
      <h1 className="sr-only">Home feed</h1>
      {!feed.loaded ? (
        <Loading label="Loading your feed" />
      ) : feed.error && feed.items.length === 0 ? (
        <ErrorState error={feed.error} retry={() => void feed.reload()} title="Your feed could not load" />
      ) : feed.items.length === 0 ? (
        <>
          <Empty icon={<CompassIcon size={36} />} title="Your feed is waiting">
            <p>Follow people to see their photos here, or share your first post.</p>
            <p style={{ display: 'flex', gap: 8, justifyContent: 'center', marginTop: 14 }}>
              <Link href="/explore" className="btn btn--primary">
                <span className="btn__label">Find people</span>
              </Link>
              <Link href="/new" className="btn btn--secondary">
                <PlusIcon size={18} />
                <span className="btn__label">New post</span>
              </Link>
            </p>
          </Empty>
          <SuggestedPeople onFollow={() => setFollowedSome(true)} />
          {followedSome ? (
            <p style={{ textAlign: 'center', marginTop: 16 }}>
              <Button onClick={() => void feed.reload()}>See their posts</Button>
            </p>
          ) : null}
        </>
      ) : (
        <div className="feed">
          {feed.items.map((p, i) => (
            <PostCard key={p.id} post={p} eager={i === 0} />
          ))}
          <LoadMore hasMore={feed.hasMore} loading={feed.loading} error={feed.error} onMore={feed.loadMore} label="Load older posts" />
          {!feed.hasMore && feed.items.length > 3 ? (
            <p className="muted" style={{ textAlign: 'center', padding: 16 }}>
              You’re all caught up.
            </p>
          ) : null}
        </div>
      )}
    </div>
  )
}
