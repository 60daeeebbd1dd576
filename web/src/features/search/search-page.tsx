// Search: /search?q=…&type=users|tags|posts. One query, three tabs, each a paged list of its kind.
import { useState, type FormEvent } from 'react'
import { Link, useLocation, useSearch } from 'wouter'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import type { Post, UserSummary } from '../../api/types'
import { count } from '../../lib/format'
import { useInfinite, type Page } from '../../lib/use-infinite'
import { useTitle } from '../../lib/use-title'
import { Avatar } from '../../ui/avatar'
import { SearchIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { ErrorState, Loading } from '../../ui/states'
import { PostGrid } from '../posts/post-grid'
import { freshPosts } from '../posts/post-store'

type Kind = 'users' | 'tags' | 'posts'
interface Tag {
  name: string
  postCount: number
}

const TABS: { kind: Kind; label: string }[] = [
  { kind: 'users', label: 'People' },
  { kind: 'tags', label: 'Tags' },
  { kind: 'posts', label: 'Posts' },
]

/** The search page's address for a query and tab. */
export const searchHref = (q: string, kind: Kind = 'posts') => `/search?q=${encodeURIComponent(q)}&type=${kind}`

function fetchKind<T>(q: string, kind: Kind, cursor: string | undefined, limit: number): Promise<Page<T>> {
  return call(api.GET('/api/hearth/v1/search', { params: { query: { q, type: kind, cursor, limit } } })) as Promise<Page<T>>
}

function Results<T>({ q, kind, render }: { q: string; kind: Kind; render: (items: T[]) => React.ReactNode }) {
  const list = useInfinite<T>(`search:${kind}:${q}`, (cursor) => fetchKind<T>(q, kind, cursor, kind === 'posts' ? 24 : 20))
  if (!list.loaded) return <Loading label="Searching" />
  if (list.error && list.items.length === 0) return <ErrorState error={list.error} retry={() => void list.reload()} />
  if (list.items.length === 0) {
    return (
      <p className="muted" style={{ padding: 16 }}>
        Nothing matches “{q}”.
      </p>
    )
  }
  return (
    <>
      {render(list.items)}
      <LoadMore hasMore={list.hasMore} loading={list.loading} error={list.error} onMore={list.loadMore} />
    </>
  )
}

function People({ q }: { q: string }) {
  return (
    <Results<UserSummary>
      q={q}
      kind="users"
      render={(items) => (
        <ul className="people card">
          {items.map((u) => (
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
    />
  )
}

function Tags({ q }: { q: string }) {
  return (
    <Results<Tag>
      q={q.replace(/^#+/, '')}
      kind="tags"
      render={(items) => (
        <ul className="people card">
          {items.map((t) => (
            <li key={t.name} className="person">
              <Link href={`/tags/${encodeURIComponent(t.name)}`} className="person__who">
                <span className="person__names">
                  <strong>#{t.name}</strong>
                  <span>{count(t.postCount)} posts</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    />
  )
}

function Posts({ q }: { q: string }) {
  return <Results<Post> q={q} kind="posts" render={(items) => <PostGrid posts={freshPosts(items)} hideMuted />} />
}

export function SearchPage() {
  const params = new URLSearchParams(useSearch())
  const q = (params.get('q') ?? '').trim()
  const typed = params.get('type')
  const kind: Kind = typed === 'users' || typed === 'tags' ? typed : 'posts'
  const [, navigate] = useLocation()
  const [draft, setDraft] = useState(q)
  useTitle(q ? `Search: ${q}` : 'Search')

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const next = draft.trim()
    if (next) navigate(searchHref(next, kind))
  }

  return (
    <div className="column--wide">
      <div className="pad-phone" style={{ paddingTop: 12 }}>
        <h1 className="sr-only">Search</h1>
        <form className="search" role="search" onSubmit={submit}>
          <SearchIcon size={18} />
          <label htmlFor="search-input" className="sr-only">
            Search people, tags and posts
          </label>
          <input
            id="search-input"
            className="input"
            type="search"
            placeholder="Search people, tags and posts"
            autoComplete="off"
            maxLength={200}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
        </form>
        {q ? (
          <>
            <div className="tabs" role="tablist" aria-label="What to search">
              {TABS.map((t) => (
                <Link
                  key={t.kind}
                  href={searchHref(q, t.kind)}
                  role="tab"
                  id={`search-tab-${t.kind}`}
                  aria-selected={t.kind === kind}
                  aria-controls="search-panel"
                  className={t.kind === kind ? 'tab is-active' : 'tab'}
                >
                  {t.label}
                </Link>
              ))}
            </div>
            <section id="search-panel" role="tabpanel" aria-labelledby={`search-tab-${kind}`} className="search-panel">
              {kind === 'users' ? <People key={q} q={q} /> : kind === 'tags' ? <Tags key={q} q={q} /> : <Posts key={q} q={q} />}
            </section>
          </>
        ) : (
          <p className="muted">Find people by name, tags by their start, and posts by any word of their caption.</p>
        )}
      </div>
    </div>
  )
}
