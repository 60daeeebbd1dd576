// A hashtag's page (/tags/:name): the tag, how many posts carry it, Follow / Following (its posts
// then join the home feed) and its posts, newest first, paged like the other grids.
import { useState } from 'react'
import { useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { getSession } from '../../api/session'
import { useInfinite } from '../../lib/use-infinite'
import { useQuery } from '../../lib/use-query'
import { useTitle } from '../../lib/use-title'
import { Button } from '../../ui/controls'
import { GridIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'
import { PostGrid } from '../posts/post-grid'
import { freshPosts } from '../posts/post-store'

const plural = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'post' : 'posts'}`

export function TagPage({ name }: { name: string }) {
  useTitle(`#${name}`)
  const [, navigate] = useLocation()
  const [busy, setBusy] = useState(false)
  const path = { params: { path: { name } } }
  const tag = useQuery(`tag:${name}`, () => call(api.GET('/api/hearth/v1/tags/{name}', path)))
  const posts = useInfinite(`tag-posts:${name}`, async (cursor) => {
    const page = await call(api.GET('/api/hearth/v1/tags/{name}/posts', { params: { path: { name }, query: { cursor, limit: 24 } } }))
    return { ...page, items: freshPosts(page.items) }
  })

  const toggle = async () => {
    if (getSession().status !== 'signed-in') {
      navigate(`/signin?next=${encodeURIComponent(window.location.pathname)}`)
      return
    }
    const before = tag.data
    if (!before) return
    tag.set({ ...before, following: !before.following })
    setBusy(true)
    try {
      const res = await call(
        before.following ? api.DELETE('/api/hearth/v1/tags/{name}/follow', path) : api.PUT('/api/hearth/v1/tags/{name}/follow', path),
      )
      tag.set({ ...before, following: res.following })
      if (res.following) toast(`Posts with #${res.name} will show in your home feed`)
    } catch (e) {
      tag.set(before)
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(false)
    }
  }

  if (tag.error && !tag.data) return <ErrorState error={tag.error} retry={() => void tag.reload()} title="This tag could not load" />
  if (!tag.data) return <Loading label={`Loading #${name}`} />
  const t = tag.data
  return (
    <div className="column">
      <header className="tag-header" style={{ display: 'flex', alignItems: 'center', gap: 16, padding: '16px 4px' }}>
        <div style={{ flex: 1 }}>
          <h1 style={{ margin: 0 }}>#{t.name}</h1>
          <p className="muted" data-testid="tag-post-count">
            {plural(t.postCount)}
          </p>
        </div>
        <Button variant={t.following ? 'secondary' : 'primary'} busy={busy} onClick={() => void toggle()} aria-pressed={t.following}>
          {t.following ? 'Following' : 'Follow'}
        </Button>
      </header>
      {!posts.loaded ? (
        <Loading label="Loading posts" />
      ) : posts.error && posts.items.length === 0 ? (
        <ErrorState error={posts.error} retry={() => void posts.reload()} />
      ) : posts.items.length === 0 ? (
        <Empty icon={<GridIcon size={34} />} title="No posts yet">
          <p>Posts with #{t.name} will show here.</p>
        </Empty>
      ) : (
        <>
          <PostGrid posts={posts.items} />
          <LoadMore hasMore={posts.hasMore} loading={posts.loading} error={posts.error} onMore={posts.loadMore} />
        </>
      )}
    </div>
  )
}
