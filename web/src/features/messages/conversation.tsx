// One conversation: history loads upward as you scroll, new messages arrive live on the stream,
// sends show at once and say when they failed, "Seen" follows the other side's read receipts,
// and after a network drop the stream's catch-up (plus a fresh first page) fills the gap.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { useSession } from '../../api/session'
import type { Message, UserSummary } from '../../api/types'
import { clockTime, fileSize } from '../../lib/format'
import { upload } from '../../lib/upload'
import { Avatar } from '../../ui/avatar'
import { ChevronLeft, CloseIcon, FileIcon, PaperclipIcon, SendIcon } from '../../ui/icons'
import { Photo } from '../../ui/image'
import { ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'
import { useLive } from '../live/live'
import { onStream, sendOnStream } from '../live/stream'
import { otherUserOf, rememberConversation } from './conversation-cache'
import { useTitle } from '../../lib/use-title'

type Shown = Message & { pending?: 'sending' | 'failed'; localKey?: string; retry?: () => void }

const PAGE = 30
let localSeq = 0

function merge(list: Shown[], incoming: Message[]): Shown[] {
  const byId = new Map(list.filter((m) => m.id > 0).map((m) => [m.id, m]))
  for (const m of incoming) byId.set(m.id, { ...byId.get(m.id), ...m, pending: undefined })
  const pending = list.filter((m) => m.id <= 0)
  return [...[...byId.values()].sort((a, b) => a.id - b.id), ...pending]
}

const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'short', day: 'numeric' })

export function ConversationView({ id }: { id: number }) {
  const session = useSession()
  const meId = session.user?.id ?? 0
  const live = useLive()
  const [messages, setMessages] = useState<Shown[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [loaded, setLoaded] = useState(false)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [error, setError] = useState<ReturnType<typeof failureOf>>()
  const [other, setOther] = useState<UserSummary | undefined>(() => otherUserOf(id))
  const [text, setText] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [progress, setProgress] = useState<number | null>(null)
  const scroller = useRef<HTMLDivElement>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const textInput = useRef<HTMLTextAreaElement>(null)
  const stickToBottom = useRef(true)
  const keepOffset = useRef<number | null>(null)
  const readPending = useRef(false)
  const [otherTyping, setOtherTyping] = useState(false)
  const typingTimer = useRef<ReturnType<typeof setTimeout>>(undefined)
  const lastTypingSent = useRef(0)

  const markRead = useCallback(() => {
    if (readPending.current || document.visibilityState !== 'visible') return
    readPending.current = true
    void call(api.POST('/api/hearth/v1/conversations/{id}/read', { params: { path: { id } } }))
      .catch(() => {})
      .finally(() => (readPending.current = false))
  }, [id])

  const loadNewest = useCallback(async () => {
    try {
      const page = await call(api.GET('/api/hearth/v1/conversations/{id}/messages', { params: { path: { id }, query: { limit: PAGE } } }))
      setMessages((list) => merge(list, page.items))
      setCursor((c) => (loaded ? c : page.nextCursor))
      setLoaded(true)
      setError(undefined)
      // Who is on the other side: known from the inbox (which may have loaded meanwhile), or
      // looked up from a message when the conversation was opened by its URL.
      const known = otherUserOf(id)
      const first = page.items[0]
      if (known) setOther(known)
      else if (first) {
        const otherId = first.senderId === meId ? first.receiverId : first.senderId
        const u = await call(api.GET('/api/hearth/v1/users/{id}', { params: { path: { id: otherId } } }))
        rememberConversation({ id, otherUser: u })
        setOther(u)
      }
      if (page.items.some((m) => m.receiverId === meId && !m.isRead)) markRead()
    } catch (e) {
      setError(failureOf(e))
      setLoaded(true)
    }
  }, [id, meId, loaded, markRead])

  useEffect(() => {
    void loadNewest()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id])

  const loadOlder = async () => {
    if (!cursor || loadingOlder) return
    setLoadingOlder(true)
    const el = scroller.current
    keepOffset.current = el ? el.scrollHeight - el.scrollTop : null
    try {
      const page = await call(
        api.GET('/api/hearth/v1/conversations/{id}/messages', { params: { path: { id }, query: { limit: PAGE, cursor } } }),
      )
      setMessages((list) => merge(list, page.items))
      setCursor(page.nextCursor)
    } catch (e) {
      toast(failureOf(e).message, 'error')
      keepOffset.current = null
    } finally {
      setLoadingOlder(false)
    }
  }

  // Keep the reader where they were when older messages are added above, and follow new ones
  // at the bottom only if they were already there.
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    if (keepOffset.current !== null) {
      el.scrollTop = el.scrollHeight - keepOffset.current
      keepOffset.current = null
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight
    }
  }, [messages])

  const onScroll = () => {
    const el = scroller.current
    if (!el) return
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
    if (el.scrollTop < 150) void loadOlder()
  }

  useEffect(
    () =>
      onStream((e) => {
        if (e.type === 'message.created' && e.data.message.conversationId === id) {
          const m = e.data.message
          if (m.senderId !== meId) {
            rememberConversation({ id, otherUser: e.data.sender })
            setOther((o) => o ?? e.data.sender)
          } else {
            setOther((o) => o ?? otherUserOf(id))
          }
          setMessages((list) => merge(list, [m]))
          if (m.receiverId === meId) {
            markRead()
            setOtherTyping(false)
          }
        } else if (e.type === 'message.read' && e.data.conversationId === id) {
          const ids = new Set(e.data.messageIds)
          setMessages((list) => list.map((m) => (ids.has(m.id) ? { ...m, isRead: true } : m)))
        } else if (e.type === 'message.deleted' && e.data.conversationId === id) {
          setMessages((list) =>
            list.map((m) => (m.id === e.data.messageId ? { ...m, isDeleted: true, content: null, attachment: null } : m)),
          )
        } else if (e.type === 'typing' && e.data.conversationId === id && e.data.userId !== meId) {
          // Indicators come at most every 2 s while they type: hide it when they stop.
          setOtherTyping(true)
          clearTimeout(typingTimer.current)
          typingTimer.current = setTimeout(() => setOtherTyping(false), 4000)
        } else if (e.type === 'stream.ready') {
          // Back after a drop: the catch-up replayed what we missed; a fresh first page also
          // covers a catch-up the server could not complete.
          void loadNewest()
        }
      }),
    [id, meId, markRead, loadNewest],
  )

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible' && messages.some((m) => m.receiverId === meId && !m.isRead)) markRead()
    }
    document.addEventListener('visibilitychange', onVisible)
    return () => document.removeEventListener('visibilitychange', onVisible)
  }, [messages, meId, markRead])

  const send = (e?: FormEvent) => {
    e?.preventDefault()
    const content = text.trim()
    if ((!content && !file) || progress !== null) return
    const localKey = `local-${++localSeq}`
    const attachment = file
    const draft: Shown = {
      id: -localSeq,
      localKey,
      conversationId: id,
      senderId: meId,
      receiverId: other?.id ?? 0,
      type: attachment ? (attachment.type.startsWith('image/') ? 'image' : 'file') : 'text',
      content,
      attachment: null,
      isRead: false,
      isDeleted: false,
      createdAt: new Date().toISOString(),
      pending: 'sending',
    }
    stickToBottom.current = true
    setText('')
    setFile(null)

    const attemptSend = async () => {
      setMessages((list) => list.map((m) => (m.localKey === localKey ? { ...m, pending: 'sending' } : m)))
      try {
        let sent: Message
        if (attachment) {
          const form = new FormData()
          form.append('content', content)
          form.append('file', attachment, attachment.name)
          setProgress(0)
          sent = await upload<Message>(`/api/hearth/v1/conversations/${id}/messages`, form, { onProgress: setProgress })
        } else {
          sent = await call(api.POST('/api/hearth/v1/conversations/{id}/messages', { params: { path: { id } }, body: { content } }))
        }
        setMessages((list) =>
          merge(
            list.filter((m) => m.localKey !== localKey),
            [sent],
          ),
        )
      } catch (err) {
        const f = failureOf(err)
        setMessages((list) => list.map((m) => (m.localKey === localKey ? { ...m, pending: 'failed', retry: () => void attemptSend() } : m)))
        toast(f.message, 'error')
      } finally {
        setProgress(null)
      }
    }
    setMessages((list) => [...list, draft])
    void attemptSend()
  }

  const remove = async (m: Message) => {
    try {
      await call(api.DELETE('/api/hearth/v1/messages/{id}', { params: { path: { id: m.id } } }))
      setMessages((list) => list.map((x) => (x.id === m.id ? { ...x, isDeleted: true, content: null, attachment: null } : x)))
    } catch (e) {
      toast(failureOf(e).message, 'error')
    }
  }

  useTitle(other ? `${other.displayName || other.username} · Messages` : 'Messages')
  const lastMine = [...messages].reverse().find((m) => m.senderId === meId && m.id > 0)
  const name = other ? other.displayName || other.username : 'Conversation'

  return (
    <section className="chat" aria-label={`Conversation with ${name}`}>
      <header className="chat__head">
        <Link href="~/messages" className="icon-btn chat__back" aria-label="Back to messages">
          <ChevronLeft />
        </Link>
        {other ? (
          <Link href={`~/@${other.username}`} style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
            <Avatar user={other} size={40} />
            <span>
              <strong style={{ display: 'block' }}>{name}</strong>
              <span className="muted small">@{other.username}</span>
            </span>
          </Link>
        ) : (
          <strong>{name}</strong>
        )}
      </header>
      {!live.connected ? (
        <div className="conn-banner" role="status">
          Reconnecting… new messages will appear when you’re back online.
        </div>
      ) : null}
      <div
        className="chat__scroll"
        ref={scroller}
        onScroll={onScroll}
        aria-live="polite"
        aria-relevant="additions"
        tabIndex={0}
        aria-label="Messages"
      >
        {!loaded ? (
          <Loading />
        ) : error && messages.length === 0 ? (
          <ErrorState error={error} retry={() => void loadNewest()} />
        ) : (
          <>
            {cursor ? (
              <div className="chat__status">
                {loadingOlder ? (
                  'Loading earlier messages…'
                ) : (
                  <button type="button" className="btn btn--ghost btn--small" onClick={() => void loadOlder()}>
                    Load earlier messages
                  </button>
                )}
              </div>
            ) : messages.length > 0 ? (
              <div className="chat__status">This is the start of your conversation with {name}.</div>
            ) : null}
            {messages.length === 0 ? (
              <div className="state">
                {other ? <Avatar user={other} size={84} /> : null}
                <p className="state__title">{name}</p>
                <p>Say hello — messages here are only between the two of you.</p>
              </div>
            ) : null}
            {messages.map((m, i) => {
              const prev = messages[i - 1]
              const day = new Date(m.createdAt).toDateString()
              const newDay = !prev || new Date(prev.createdAt).toDateString() !== day
              return (
                <div key={m.localKey ?? m.id}>
                  {newDay ? <p className="chat__day">{dayFmt.format(new Date(m.createdAt))}</p> : null}
                  <Bubble m={m} mine={m.senderId === meId} onDelete={() => void remove(m)} />
                  {m === lastMine && m.isRead ? <p className="chat__seen">Seen</p> : null}
                </div>
              )
            })}
            {otherTyping ? (
              <div className="bubble-row" aria-live="polite">
                <div className="bubble typing" aria-label={`${name} is typing`}>
                  <span />
                  <span />
                  <span />
                </div>
              </div>
            ) : null}
          </>
        )}
      </div>
      {file ? (
        <div className="chat__attachment">
          {file.type.startsWith('image/') ? <PaperclipIcon size={18} /> : <FileIcon size={18} />}
          <span style={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {file.name} · {fileSize(file.size)}
            {progress !== null ? ` · ${Math.round(progress * 100)}%` : ''}
          </span>
          <button
            type="button"
            className="icon-btn"
            style={{ width: 28, height: 28 }}
            aria-label="Remove attachment"
            onClick={() => setFile(null)}
          >
            <CloseIcon size={16} />
          </button>
        </div>
      ) : null}
      <form className="chat__compose" onSubmit={send}>
        <input
          ref={fileInput}
          type="file"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0]
            if (f) setFile(f)
            e.target.value = ''
            textInput.current?.focus()
          }}
        />
        <label htmlFor="message-input" className="sr-only">
          Message
        </label>
        <textarea
          id="message-input"
          ref={textInput}
          rows={1}
          placeholder="Message…"
          value={text}
          maxLength={5000}
          onChange={(e) => {
            setText(e.target.value)
            const now = Date.now()
            if (e.target.value.trim() && now - lastTypingSent.current > 2000) {
              lastTypingSent.current = now
              sendOnStream({ type: 'typing', conversationId: id })
            }
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault()
              send()
            }
          }}
        />
        <button type="button" className="icon-btn" aria-label="Attach a photo or file" onClick={() => fileInput.current?.click()}>
          <PaperclipIcon size={22} />
        </button>
        <button
          type="submit"
          className="icon-btn"
          aria-label="Send"
          disabled={(!text.trim() && !file) || progress !== null}
          style={{ color: 'var(--accent)' }}
        >
          <SendIcon size={22} />
        </button>
      </form>
    </section>
  )
}

function Bubble({ m, mine, onDelete }: { m: Shown; mine: boolean; onDelete: () => void }) {
  const [menu, setMenu] = useState(false)
  const a = m.attachment
  let body: React.ReactNode
  let cls = 'bubble'
  if (m.isDeleted) {
    cls += ' bubble--deleted'
    body = mine ? 'You deleted a message' : 'Message deleted'
  } else if (a && m.type === 'image' && a.width && a.height) {
    cls += ' bubble--media'
    body = (
      <>
        <a href={a.url} target="_blank" rel="noopener noreferrer" aria-label={`Open photo ${a.name}`}>
          <Photo src={a.url} width={a.width} height={a.height} placeholder={a.placeholder} alt={a.name} />
        </a>
        {m.content ? (
          <div className="bubble" style={{ marginTop: 4 }}>
            {m.content}
          </div>
        ) : null}
      </>
    )
  } else if (a) {
    body = (
      <>
        <a className="bubble__file" href={a.url} download={a.name} target="_blank" rel="noopener noreferrer">
          <FileIcon size={20} />
          <span>
            {a.name} <span style={{ opacity: 0.75 }}>· {fileSize(a.size)}</span>
          </span>
        </a>
        {m.content ? <div style={{ marginTop: 4 }}>{m.content}</div> : null}
      </>
    )
  } else {
    body = m.content
  }
  return (
    <div className={mine ? 'bubble-row is-mine' : 'bubble-row'} onMouseLeave={() => setMenu(false)}>
      {mine && !m.isDeleted && m.id > 0 ? (
        <button
          type="button"
          className={menu ? 'icon-btn bubble__delete is-armed' : 'icon-btn bubble__delete'}
          style={{ width: menu ? 'auto' : 28, height: 28, padding: menu ? '0 8px' : 0, borderRadius: 14 }}
          aria-label="Delete this message"
          title="Delete"
          onClick={() => (menu ? onDelete() : setMenu(true))}
        >
          {menu ? <span style={{ fontSize: 12, color: 'var(--danger)', fontWeight: 650 }}>Delete?</span> : <CloseIcon size={14} />}
        </button>
      ) : null}
      <div className={cls} title={clockTime(m.createdAt)} style={m.pending ? { opacity: 0.6 } : undefined}>
        {body}
      </div>
      {m.pending === 'failed' ? (
        <button type="button" className="btn btn--link small" onClick={m.retry} style={{ color: 'var(--danger)' }}>
          Not sent · Retry
        </button>
      ) : null}
    </div>
  )
}
