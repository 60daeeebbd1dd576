// /messages and /messages/:id: conversations by latest message with unread badges, and the
// open conversation beside them (on phones, one or the other).
import { useEffect, useState } from 'react'
import { Link, Route, Switch, useLocation, useRoute } from 'wouter'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { useSession } from '../../api/session'
import type { Conversation } from '../../api/types'
import { timeAgo } from '../../lib/format'
import { useInfinite } from '../../lib/use-infinite'
import { Avatar } from '../../ui/avatar'
import { EditIcon, SendIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { onStream } from '../live/stream'
import { rememberConversation } from './conversation-cache'
import { ConversationView } from './conversation'
import { NewMessageDialog } from './new-message-dialog'
import { useTitle } from '../../lib/use-title'

function preview(c: Conversation, meId: number): string {
  const m = c.lastMessage
  if (!m) return 'Say hello 👋'
  const who = m.senderId === meId ? 'You: ' : ''
  if (m.isDeleted) return `${who}Message deleted`
  if (m.type === 'image') return `${who}Sent a photo`
  if (m.type === 'file') return `${who}Sent a file`
  return who + (m.content ?? '')
}

export function Inbox() {
  const session = useSession()
  const meId = session.user?.id ?? 0
  const [, params] = useRoute<{ id: string }>('/:id')
  const openId = params ? Number(params.id) : null
  const [, navigate] = useLocation()
  const [composing, setComposing] = useState(false)
  useTitle(openId ? undefined : 'Messages')

  const list = useInfinite('conversations', async (cursor) => {
    const page = await call(api.GET('/api/hearth/v1/conversations', { params: { query: { cursor, limit: 30 } } }))
    page.items.forEach(rememberConversation)
    return page
  })

  useEffect(
    () =>
      onStream((e) => {
        if (e.type === 'message.created') {
          const m = e.data.message
          list.update((items) => {
            const found = items.find((c) => c.id === m.conversationId)
            if (!found) {
              void list.reload()
              return items
            }
            const unread = m.receiverId === meId && m.conversationId !== openId ? found.unreadCount + 1 : found.unreadCount
            const next = { ...found, lastMessage: m, lastMessageAt: m.createdAt, unreadCount: unread }
            return [next, ...items.filter((c) => c.id !== m.conversationId)]
          })
        } else if (e.type === 'message.read' && e.data.readerId === meId) {
          list.update((items) => items.map((c) => (c.id === e.data.conversationId ? { ...c, unreadCount: 0 } : c)))
        } else if (e.type === 'message.deleted') {
          list.update((items) =>
            items.map((c) =>
              c.id === e.data.conversationId && c.lastMessage?.id === e.data.messageId
                ? { ...c, lastMessage: { ...c.lastMessage, isDeleted: true, content: null } }
                : c,
            ),
          )
        } else if (e.type === 'stream.ready' && !e.data.complete) {
          void list.reload()
        }
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- list.update and list.reload are stable; `list` is a new object each render
    [meId, openId],
  )

  return (
    <div className={openId ? 'messenger messenger--chat card' : 'messenger messenger--list card'}>
      <section className="messenger__list" aria-label="Conversations">
        <div className="messenger__list-head">
          <h1 style={{ fontSize: 20 }}>Messages</h1>
          <button type="button" className="icon-btn" aria-label="New message" onClick={() => setComposing(true)}>
            <EditIcon />
          </button>
        </div>
        <div className="messenger__scroll">
          {!list.loaded ? (
            <Loading />
          ) : list.error && list.items.length === 0 ? (
            <ErrorState error={list.error} retry={() => void list.reload()} />
          ) : list.items.length === 0 ? (
            <Empty title="No messages yet">
              <p>Start a conversation with someone you follow.</p>
            </Empty>
          ) : (
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {list.items.map((c) => (
                <li key={c.id}>
                  <Link
                    href={`/${c.id}`}
                    className={['convo-item', c.id === openId && 'is-active', c.unreadCount > 0 && 'is-unread'].filter(Boolean).join(' ')}
                    aria-current={c.id === openId ? 'page' : undefined}
                    onClick={() => {
                      if (c.unreadCount > 0) list.update((items) => items.map((x) => (x.id === c.id ? { ...x, unreadCount: 0 } : x)))
                    }}
                  >
                    <Avatar user={c.otherUser} size={52} />
                    <span className="convo-item__main">
                      <span className="convo-item__name">{c.otherUser.displayName || c.otherUser.username}</span>
                      <span className="convo-item__last" style={{ display: 'block' }}>
                        {preview(c, meId)}
                        {c.lastMessageAt ? ` · ${timeAgo(c.lastMessageAt)}` : ''}
                      </span>
                    </span>
                    {c.unreadCount > 0 ? (
                      <span className="badge badge--inline" aria-label={`${c.unreadCount} unread`}>
                        {c.unreadCount}
                      </span>
                    ) : null}
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <LoadMore hasMore={list.hasMore} loading={list.loading} error={list.error} onMore={list.loadMore} />
        </div>
      </section>
      <Switch>
        <Route path="/:id">{(p) => <ConversationView key={p.id} id={Number(p.id)} />}</Route>
        <Route>
          <section className="chat" aria-label="No conversation open">
            <Empty icon={<SendIcon size={34} />} title="Your messages">
              <p>Send private photos and messages to a friend.</p>
              <p style={{ marginTop: 12 }}>
                <button type="button" className="btn btn--primary" onClick={() => setComposing(true)}>
                  <span className="btn__label">Send message</span>
                </button>
              </p>
            </Empty>
          </section>
        </Route>
      </Switch>
      <NewMessageDialog
        open={composing}
        onClose={() => setComposing(false)}
        onOpened={(c) => {
          setComposing(false)
          rememberConversation(c)
          list.update((items) => (items.some((x) => x.id === c.id) ? items : [c, ...items]))
          navigate(`/${c.id}`)
        }}
      />
    </div>
  )
}
