// A dialog listing people (who liked a post), paged as the reader scrolls.
import type { ReactNode } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import type { UserSummary } from '../../api/types'
import type { Page } from '../../lib/use-infinite'
import { useInfinite } from '../../lib/use-infinite'
import { Avatar } from '../../ui/avatar'
import { Dialog } from '../../ui/dialog'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'

interface Props {
  open: boolean
  onClose: () => void
  title: string
  listKey: string
  fetchPage: (cursor: string | undefined) => Promise<Page<UserSummary>>
  empty: string
}

export function PeopleDialog({ open, onClose, title, listKey, fetchPage, empty }: Props) {
  return (
    <Dialog open={open} onClose={onClose} title={title}>
      {open ? <PeopleList listKey={listKey} fetchPage={fetchPage} empty={empty} onPick={onClose} /> : null}
    </Dialog>
  )
}

export function PeopleList<T extends UserSummary>({
  listKey,
  fetchPage,
  empty,
  onPick,
  action,
}: {
  listKey: string
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>
  empty: string
  onPick?: () => void
  /** e.g. a Follow button; `update` replaces the row */
  action?: (u: T, update: (next: T) => void) => ReactNode
}) {
  const list = useInfinite(listKey, fetchPage)
  if (!list.loaded) return <Loading />
  if (list.error && list.items.length === 0) return <ErrorState error={list.error} retry={() => void list.reload()} />
  if (list.items.length === 0) return <Empty title={empty} />
  return (
    <>
      <ul className="people">
        {list.items.map((u) => (
          <li key={u.id} className="person">
            <Link href={`/@${u.username}`} className="person__who" onClick={onPick}>
              <Avatar user={u} size={44} />
              <span className="person__names">
                <strong>{u.username}</strong>
                {u.displayName ? <span>{u.displayName}</span> : null}
              </span>
            </Link>
            {action ? action(u, (next) => list.update((items) => items.map((x) => (x.id === next.id ? next : x)))) : null}
          </li>
        ))}
      </ul>
      <LoadMore hasMore={list.hasMore} loading={list.loading} error={list.error} onMore={list.loadMore} />
    </>
  )
}

/** Who liked a post: the same dialog on the feed card and on the post page. */
export function LikersDialog({ postId, open, onClose }: { postId: number; open: boolean; onClose: () => void }) {
  return (
    <PeopleDialog
      open={open}
      onClose={onClose}
      title="Likes"
      listKey={`likes:${postId}`}
      empty="No likes yet"
      fetchPage={(cursor) =>
        call(api.GET('/api/hearth/v1/posts/{id}/likes', { params: { path: { id: postId }, query: { cursor, limit: 20 } } }))
      }
    />
  )
}
