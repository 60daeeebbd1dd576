// The Saved tab of one's own profile: the posts one bookmarked, newest saved first. Private: the
// server answers only the caller's own list.
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { useInfinite } from '../../lib/use-infinite'
import { BookmarkIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { PostGrid } from '../posts/post-grid'
import { freshPosts } from '../posts/post-store'

export function SavedPosts({ userId }: { userId: number }) {
  const saved = useInfinite(`bookmarks:${userId}`, async (cursor) => {
    const page = await call(api.GET('/api/hearth/v1/bookmarks', { params: { query: { cursor, limit: 24 } } }))
    return { ...page, items: freshPosts(page.items) }
  })
  if (!saved.loaded) return <Loading label="Loading saved posts" />
  if (saved.error && saved.items.length === 0) return <ErrorState error={saved.error} retry={() => void saved.reload()} />
  if (saved.items.length === 0)
    return (
      <Empty icon={<BookmarkIcon size={34} />} title="Save posts to see again">
        <p>Tap the bookmark under a post to save it here. Only you can see what you’ve saved.</p>
      </Empty>
    )
  return (
    <>
      <p className="muted small" style={{ textAlign: 'center', margin: '4px 0 10px' }}>
        Only you can see what you’ve saved.
      </p>
      <PostGrid posts={saved.items} />
      <LoadMore hasMore={saved.hasMore} loading={saved.loading} error={saved.error} onMore={saved.loadMore} />
    </>
  )
}
