// Explore: find people by name, and browse a grid of what is good lately (ranked by the server).
import { useEffect, useState } from 'react'
import { Link, useLocation, useSearch } from 'wouter'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { useSession } from '../../api/session'
import { useInfinite } from '../../lib/use-infinite'
import { Avatar } from '../../ui/avatar'
import { ImageIcon, SearchIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { PostGrid } from '../posts/post-grid'
import { searchHref } from '../search/search-page'
import { freshPosts } from '../posts/post-store'
import { SuggestedPeople } from './suggested-people'
import { useTitle } from '../../lib/use-title'

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return v
}

function PeopleSearch() {
  const [, navigate] = useLocation()
  const [q, setQ] = useState('')
  const query = useDebounced(q.trim().replace(/^@/, ''), 250)
  const results = useInfinite(query ? `search:${query}` : null, (cursor) =>
    call(api.GET('/api/hearth/v1/users', { params: { query: { q: query, cursor, limit: 8 } } })),
  )
  return (
    <>
      <form
        className="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          if (q.trim()) navigate(searchHref(q.trim()))
        }}
      >
        <SearchIcon size={18} />
        <label htmlFor="people-search" className="sr-only">
          Search people
        </label>
        <input
          id="people-search"
          className="input"
          type="search"
          placeholder="Search people (Enter: posts and tags too)"
          autoComplete="off"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </form>
      {query ? (
        <section className="card search-results" aria-label="People found" aria-live="polite">
          {!results.loaded ? (
            <Loading label="Searching" />
          ) : results.error && results.items.length === 0 ? (
            <ErrorState error={results.error} retry={() => void results.reload()} />
          ) : results.items.length === 0 ? (
            <p className="muted" style={{ padding: 16 }}>
              No one matches “{query}”.
            </p>
          ) : (
            <ul className="people">
              {results.items.map((u) => (
                <li key={u.id} className="person">
                  <Link href={`/@${u.username}`} className="person__who">
                    <Avatar user={u} size={44} />
                    <span className="person__names">
                      <strong>{u.username}</strong>
                      {u.displayName ? <span>{u.displayName}</span> : null}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </>
  )
}

/** The week's most used tags (by distinct people), as links to their pages; nothing while there are none. */
function TrendingTags() {
  const [tags, setTags] = useState<{ name: string; people: number }[]>([])
  useEffect(() => {
    let live = true
    call(api.GET('/api/hearth/v1/tags/trending', { params: { query: { window: 'week', limit: 12 } } }))
      .then((list) => live && setTags(list.items))
      .catch(() => {}) // trending is a bonus: the grid below still works without it
    return () => {
      live = false
    }
  }, [])
  if (tags.length === 0) return null
  return (
    <nav className="trending" aria-label="Trending tags">
      <h2 className="trending__title">Trending this week</h2>
      <ul>
        {tags.map((t) => (
          <li key={t.name}>
            <Link
              href={`/tags/${encodeURIComponent(t.name)}`}
              className="chip"
              title={`${t.people} ${t.people === 1 ? 'person' : 'people'}`}
            >
              #{t.name}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}

export function Explore() {
  useTitle('Explore')
  const session = useSession()
  const welcome = new URLSearchParams(useSearch()).has('welcome')
  const posts = useInfinite('feed:explore', async (cursor) => {
    // ranked: what people engage with lately, a few per author (the server's snapshot keeps paging stable)
    const page = await call(api.GET('/api/hearth/v1/feed/explore', { params: { query: { cursor, limit: 24, sort: 'ranked' } } }))
    return { ...page, items: freshPosts(page.items) }
  })

  return (
    <div className="column--wide">
      <div className="pad-phone" style={{ paddingTop: 12 }}>
        <h1 className="sr-only">Explore</h1>
        {welcome && session.status === 'signed-in' ? (
          <section className="card welcome">
            <h2>Welcome to Hearth, {session.user.displayName || session.user.username}!</h2>
            <p className="muted">Follow a few people you like: their posts will fill your home feed.</p>
            <SuggestedPeople />
          </section>
        ) : null}
        <PeopleSearch />
        <TrendingTags />
      </div>
      {!posts.loaded ? (
        <Loading label="Loading posts" />
      ) : posts.error && posts.items.length === 0 ? (
        <ErrorState error={posts.error} retry={() => void posts.reload()} />
      ) : posts.items.length === 0 ? (
        <Empty icon={<ImageIcon size={34} />} title="Nothing here yet">
          <p>When people share photos, they will show up here.</p>
        </Empty>
      ) : (
        <>
          <PostGrid posts={posts.items} hideMuted />
          <LoadMore hasMore={posts.hasMore} loading={posts.loading} error={posts.error} onMore={posts.loadMore} />
        </>
      )}
    </div>
  )
}
