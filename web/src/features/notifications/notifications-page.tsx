// Notifications: newest first, unread highlighted, live as they arrive; mark all read.
import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import type { NotificationGroup } from '../../api/types'
import { useSession } from '../../api/session'
import { fullDate, timeAgo } from '../../lib/format'
import { useInfinite } from '../../lib/use-infinite'
import { Avatar } from '../../ui/avatar'
import { Button } from '../../ui/controls'
import { BellIcon, UserPlusIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'
import { setLive, useLive } from '../live/live'
import { onStream } from '../live/stream'
import { useTitle } from '../../lib/use-title'

/** Where a group leads: its post (at the comment), the follower, the requests. */
function hrefOf(g: NotificationGroup, me: string | undefined): string {
  if (g.type === 'follow_request') return '/follow-requests'
  if (g.target) return `/p/${g.target.postId}${g.target.commentId ? `#comment-${g.target.commentId}` : ''}`
  if (g.type === 'follow' && g.count > 1 && me) return `/@${me}/followers`
  if (g.actors[0]) return `/@${g.actors[0].username}`
  return '/notifications'
}

/**
 * The bell: notifications grouped by the server (likes and comments per post, follows per day;
 * messages are in Messages), "ana, ben and 3 others liked your photo", unread highlighted, live;
 * opening a group marks all of it read.
 */
export function NotificationsPage() {
  useTitle('Notifications')
  const session = useSession()
  const [unreadOnly, setUnreadOnly] = useState(false)
  const live = useLive()
  const list = useInfinite(`notifications:grouped:${unreadOnly}`, async (cursor) => {
    const page = await call(
      api.GET('/api/hearth/v1/notifications', { params: { query: { cursor, limit: 30, unread: unreadOnly, grouped: true } } }),
    )
    return page as { items: NotificationGroup[]; nextCursor: string | null }
  })
  const [marking, setMarking] = useState(false)

  useEffect(
    () =>
      onStream((e) => {
        if (e.type === 'notification.created') {
          // A new like may join a group already shown: the first page is asked for again.
          if (e.data.notification.type !== 'message') void list.reload()
        } else if (e.type === 'notification.read') {
          const ids = new Set(e.data.ids ?? [])
          list.update((items) =>
            items.map((i) =>
              e.data.all
                ? e.data.upToId === undefined || i.id <= e.data.upToId
                  ? { ...i, isRead: true }
                  : i
                : ids.has(i.id)
                  ? { ...i, isRead: true }
                  : i,
            ),
          )
        } else if (e.type === 'stream.ready' && !e.data.complete) {
          void list.reload()
        }
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- update and reload are stable; `list` is a new object each render
    [list.update, list.reload],
  )

  const markAll = async () => {
    setMarking(true)
    try {
      await call(api.POST('/api/hearth/v1/notifications/read-all'))
      list.update((items) => items.map((i) => ({ ...i, isRead: true })))
      setLive({ unreadNotifications: 0 })
    } catch (e) {
      toast(failureOf(e).message, 'error')
    } finally {
      setMarking(false)
    }
  }

  const open = (g: NotificationGroup) => {
    if (g.isRead) return
    list.update((items) => items.map((i) => (i.id === g.id ? { ...i, isRead: true } : i)))
    setLive({ unreadNotifications: Math.max(0, live.unreadNotifications - 1) })
    void call(api.POST('/api/hearth/v1/notifications/{id}/read', { params: { path: { id: g.id }, query: { group: true } } })).catch(
      () => {},
    )
  }

  return (
    <div className="column">
      <div className="page-head">
        <h1>Notifications</h1>
        <Button
          variant="ghost"
          small
          busy={marking}
          disabled={live.unreadNotifications === 0 && !list.items.some((i) => !i.isRead)}
          onClick={() => void markAll()}
        >
          Mark all as read
        </Button>
      </div>
      <div className="admin-tabs pad-phone" role="tablist" aria-label="Filter">
        <button
          type="button"
          role="tab"
          aria-selected={!unreadOnly}
          className={!unreadOnly ? 'pill is-active' : 'pill'}
          onClick={() => setUnreadOnly(false)}
        >
          All
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={unreadOnly}
          className={unreadOnly ? 'pill is-active' : 'pill'}
          onClick={() => setUnreadOnly(true)}
        >
          Unread{live.unreadNotifications > 0 ? ` (${live.unreadNotifications})` : ''}
        </button>
      </div>
      {live.followRequests > 0 ? (
        <Link href="/follow-requests" className="card notif notif--requests">
          <span className="notif__icon" aria-hidden="true">
            <UserPlusIcon />
          </span>
          <span className="notif__text">
            <strong>Follow requests</strong>
            <span className="muted small" style={{ display: 'block' }}>
              Approve or ignore {live.followRequests === 1 ? 'the person' : 'the people'} asking to follow you
            </span>
          </span>
          <span className="badge badge--inline" aria-label={`${live.followRequests} waiting`}>
            {live.followRequests}
          </span>
        </Link>
      ) : null}
      <section className="card" aria-label="Notifications" aria-live="polite">
        {!list.loaded ? (
          <Loading />
        ) : list.error && list.items.length === 0 ? (
          <ErrorState error={list.error} retry={() => void list.reload()} />
        ) : list.items.length === 0 ? (
          <Empty icon={<BellIcon size={34} />} title={unreadOnly ? 'You’re all caught up' : 'No notifications yet'}>
            <p>
              When someone likes or comments on your posts, mentions you, follows you (or asks to) or writes to you, you’ll see it here.
            </p>
          </Empty>
        ) : (
          <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {list.items.map((g) => (
              <li key={g.id}>
                <Link
                  href={hrefOf(g, session.user?.username)}
                  className={g.isRead ? 'notif' : 'notif is-unread'}
                  onClick={() => open(g)}
                  data-testid="notification-group"
                >
                  <Faces actors={g.actors} />
                  <span className="notif__text">
                    <GroupText g={g} />
                    {g.target?.commentText ? <span className="notif__quote">“{g.target.commentText}”</span> : null}
                    <time className="notif__time" dateTime={g.latestAt} title={fullDate(g.latestAt)}>
                      {timeAgo(g.latestAt)}
                    </time>
                  </span>
                  {g.target?.thumbnailUrl ? (
                    <span className="notif__thumb">
                      <img src={g.target.thumbnailUrl} alt="" />
                    </span>
                  ) : null}
                  {g.isRead ? null : <span className="notif__dot" aria-label="Unread" />}
                </Link>
              </li>
            ))}
          </ul>
        )}
        <LoadMore hasMore={list.hasMore} loading={list.loading} error={list.error} onMore={list.loadMore} />
      </section>
    </div>
  )
}

/** The newest one or two faces of a group, overlapping. */
function Faces({ actors }: { actors: NotificationGroup['actors'] }) {
  if (actors.length === 0) return <BellIcon />
  if (actors.length === 1) return <Avatar user={actors[0]!} size={44} />
  return (
    <span className="notif__faces" aria-hidden="true">
      <Avatar user={actors[0]!} size={32} />
      <Avatar user={actors[1]!} size={32} />
    </span>
  )
}

/** "ana, ben and 3 others" with the names in bold, as people scan for who did it. */
function Names({ g }: { g: NotificationGroup }) {
  const names = g.actors.map((a) => a.username)
  const b = (n: string) => <strong key={n}>{n}</strong>
  if (names.length === 0) return <>Someone</>
  if (g.count === 1 || names.length === 1) return b(names[0]!)
  if (g.count === 2)
    return (
      <>
        {b(names[0]!)} and {b(names[1]!)}
      </>
    )
  if (g.count === 3 && names.length === 3)
    return (
      <>
        {b(names[0]!)}, {b(names[1]!)} and {b(names[2]!)}
      </>
    )
  const others = g.count - 2
  return (
    <>
      {b(names[0]!)}, {b(names[1]!)} and {others} {others === 1 ? 'other' : 'others'}
    </>
  )
}

function GroupText({ g }: { g: NotificationGroup }) {
  const what = g.target?.thumbnailUrl ? 'photo' : 'post'
  const action =
    g.type === 'like'
      ? ` liked your ${what}`
      : g.type === 'comment'
        ? g.target && !g.target.ownPost
          ? ' replied to your comment'
          : ` commented on your ${what}`
        : g.type === 'follow'
          ? ' started following you'
          : g.type === 'mention'
            ? ` mentioned you in a ${g.target?.commentId ? 'comment' : 'post'}`
            : ' asked to follow you'
  return (
    <span className="notif__line">
      <Names g={g} />
      {action}
    </span>
  )
}
