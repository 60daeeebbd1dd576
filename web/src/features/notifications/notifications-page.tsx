// Notifications: newest first, unread highlighted, live as they arrive; mark all read.
import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import type { Notification } from '../../api/types'
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

function hrefOf(n: Notification): string {
  if (n.type === 'message') return '/messages'
  if (n.type === 'follow_request') return '/follow-requests'
  if (n.postId) return `/p/${n.postId}${n.commentId ? `#comment-${n.commentId}` : ''}`
  if (n.actor) return `/@${n.actor.username}`
  return '/notifications'
}

export function NotificationsPage() {
  useTitle('Notifications')
  const [unreadOnly, setUnreadOnly] = useState(false)
  const live = useLive()
  const list = useInfinite(`notifications:${unreadOnly}`, (cursor) =>
    call(api.GET('/api/hearth/v1/notifications', { params: { query: { cursor, limit: 30, unread: unreadOnly } } })),
  )
  const [marking, setMarking] = useState(false)

  useEffect(
    () =>
      onStream((e) => {
        if (e.type === 'notification.created') {
          list.update((items) => (items.some((i) => i.id === e.data.notification.id) ? items : [e.data.notification, ...items]))
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

  const open = (n: Notification) => {
    if (n.isRead) return
    list.update((items) => items.map((i) => (i.id === n.id ? { ...i, isRead: true } : i)))
    setLive({ unreadNotifications: Math.max(0, live.unreadNotifications - 1) })
    void call(api.POST('/api/hearth/v1/notifications/{id}/read', { params: { path: { id: n.id } } })).catch(() => {})
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
            {list.items.map((n) => (
              <li key={n.id}>
                <Link href={hrefOf(n)} className={n.isRead ? 'notif' : 'notif is-unread'} onClick={() => open(n)}>
                  {n.actor ? <Avatar user={n.actor} size={44} /> : <BellIcon />}
                  <span className="notif__text">
                    <NotificationText n={n} />
                    <time className="notif__time" dateTime={n.createdAt} title={fullDate(n.createdAt)}>
                      {timeAgo(n.createdAt)}
                    </time>
                  </span>
                  {n.isRead ? null : <span className="notif__dot" aria-label="Unread" />}
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

/** "alice liked your post" with the name in bold, as people scan for who did it. */
function NotificationText({ n }: { n: Notification }) {
  const name = n.actor?.username
  if (name && n.message.startsWith(name)) {
    return (
      <>
        <strong>{name}</strong>
        {n.message.slice(name.length)}
      </>
    )
  }
  return <>{n.message}</>
}
