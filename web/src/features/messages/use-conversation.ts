// The state of one open conversation: its messages (history loaded upward by cursor, live ones
// from the stream, sends shown at once and marked when they fail), who is on the other side,
// whether they are typing, and read marking. The views (conversation.tsx) only draw it.
import { useCallback, useEffect, useRef, useState } from 'react'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { useSession } from '../../api/session'
import type { Message, UserSummary } from '../../api/types'
import { upload } from '../../lib/upload'
import { toast } from '../../ui/toast'
import { onStream, sendOnStream } from '../live/stream'
import { isReadOnly, otherUserOf, rememberConversation } from './conversation-cache'

export type Shown = Message & { pending?: 'sending' | 'failed'; localKey?: string; retry?: () => void }

const PAGE = 30
let localSeq = 0

function merge(list: Shown[], incoming: Message[]): Shown[] {
  const byId = new Map(list.filter((m) => m.id > 0).map((m) => [m.id, m]))
  for (const m of incoming) byId.set(m.id, { ...byId.get(m.id), ...m, pending: undefined })
  const pending = list.filter((m) => m.id <= 0)
  return [...[...byId.values()].sort((a, b) => a.id - b.id), ...pending]
}

export function useConversation(id: number) {
  const session = useSession()
  const meId = session.user?.id ?? 0
  const [messages, setMessages] = useState<Shown[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [loaded, setLoaded] = useState(false)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [error, setError] = useState<ReturnType<typeof failureOf>>()
  const [other, setOther] = useState<UserSummary | undefined>(() => otherUserOf(id))
  const [progress, setProgress] = useState<number | null>(null)
  const [otherTyping, setOtherTyping] = useState(false)
  // A block between the two made it read-only: known from the inbox, or learnt from a refused send.
  const [readOnly, setReadOnly] = useState(() => isReadOnly(id))
  const readPending = useRef(false)
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
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per conversation; loadNewest changes with `loaded`
  }, [id])

  /** Loads the page before the oldest shown; false when it failed (and said so). */
  const loadOlder = async (): Promise<boolean> => {
    if (!cursor) return true
    setLoadingOlder(true)
    try {
      const page = await call(
        api.GET('/api/hearth/v1/conversations/{id}/messages', { params: { path: { id }, query: { limit: PAGE, cursor } } }),
      )
      setMessages((list) => merge(list, page.items))
      setCursor(page.nextCursor)
      return true
    } catch (e) {
      toast(failureOf(e).message, 'error')
      return false
    } finally {
      setLoadingOlder(false)
    }
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

  /** Shows the message at once, sends it, and marks it "Not sent · Retry" when that fails. */
  const send = (content: string, attachment: File | null) => {
    const localKey = `local-${++localSeq}`
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
        if (f.code === 'conversation_read_only') setReadOnly(true)
        // The server's own words (e.g. why this conversation refuses new messages).
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

  /** Tells the other side we are typing, at most every 2 s. */
  const typing = () => {
    const now = Date.now()
    if (now - lastTypingSent.current > 2000) {
      lastTypingSent.current = now
      sendOnStream({ type: 'typing', conversationId: id })
    }
  }

  return {
    meId,
    messages,
    other,
    loaded,
    error,
    hasOlder: cursor !== null,
    loadingOlder,
    otherTyping,
    readOnly,
    progress,
    loadNewest,
    loadOlder,
    send,
    remove,
    typing,
  }
}
