// The realtime stream (GET /api/hearth/v1/stream, WebSocket). One connection per tab while signed in.
// It authenticates with the access token as a `bearer.<token>` subprotocol (never in the URL,
// which proxies log), reconnects with backoff, and asks for `?since=<last event id>` so events
// missed during a drop are replayed. The server closes with 4001 when the session has ended.
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { getAccessToken, getSession, refreshSession, sessionEnded } from '../../api/session'
import type { Message, Notification, UserSummary } from '../../api/types'
import { getLive, setLive } from './live'

export type StreamEvent =
  | { id: number; type: 'message.created'; data: { message: Message; sender: UserSummary } }
  | { id: number; type: 'message.read'; data: { conversationId: number; readerId: number; messageIds: number[]; readAt: string } }
  | { id: number; type: 'message.deleted'; data: { conversationId: number; messageId: number } }
  | { id: number; type: 'notification.created'; data: { notification: Notification } }
  | { id: number; type: 'notification.read'; data: { ids?: number[]; all?: boolean; upToId?: number } }
  | { id?: undefined; type: 'stream.ready'; data: { lastEventId: number; complete: boolean } }
  | { id?: undefined; type: 'typing'; data: { conversationId: number; userId: number } }

type Listener = (e: StreamEvent) => void

const listeners = new Set<Listener>()
let socket: WebSocket | null = null
let lastEventId: number | undefined
/**
 * Ids of recent events already handled. A resumed stream sends again the events written just
 * before `since` (one of them may have committed after it), so a replayed id is dropped here.
 */
const seen = new Set<number>()
const SEEN_MAX = 2000
function firstTime(id: number): boolean {
  if (seen.has(id)) return false
  seen.add(id)
  if (seen.size > SEEN_MAX) seen.delete(seen.values().next().value as number)
  return true
}
let attempt = 0
let retryTimer: ReturnType<typeof setTimeout> | undefined
let wanted = false

/** Screens listen while they are shown; the returned function stops listening. */
export function onStream(fn: Listener): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

function emit(e: StreamEvent) {
  for (const l of listeners) {
    try {
      l(e)
    } catch (err) {
      console.error(err)
    }
  }
}

// ---- unread counts, corrected from the API on every (re)connection ----

let countsTimer: ReturnType<typeof setTimeout> | undefined
export function refreshCounts(delay = 150) {
  clearTimeout(countsTimer)
  countsTimer = setTimeout(() => {
    if (getSession().status !== 'signed-in') return
    call(api.GET('/api/hearth/v1/notifications/unread-count'))
      .then((r) => setLive({ unreadNotifications: r.count }))
      .catch(() => {})
    call(api.GET('/api/hearth/v1/conversations', { params: { query: { limit: 100 } } }))
      .then((r) => setLive({ unreadConversations: r.items.filter((c) => c.unreadCount > 0).length }))
      .catch(() => {})
  }, delay)
}

function countsFrom(e: StreamEvent) {
  const me = getSession().user?.id
  switch (e.type) {
    case 'notification.created':
      if (!e.data.notification.isRead) setLive({ unreadNotifications: getLive().unreadNotifications + 1 })
      break
    case 'notification.read':
      if (e.data.all) setLive({ unreadNotifications: 0 })
      else refreshCounts()
      break
    case 'message.created':
      if (e.data.message.receiverId === me) refreshCounts()
      break
    case 'message.read':
      if (e.data.readerId === me) refreshCounts()
      break
    default:
  }
}

// ---- connection ----

function url(): string {
  const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/hearth/v1/stream`
  return lastEventId === undefined ? base : `${base}?since=${lastEventId}`
}

function scheduleReconnect() {
  if (!wanted) return
  clearTimeout(retryTimer)
  // 1 s, 2 s, 4 s … up to 30 s, with jitter so a restarted server is not stampeded.
  const delay = Math.min(30_000, 1000 * 2 ** attempt) * (0.7 + Math.random() * 0.6)
  attempt++
  retryTimer = setTimeout(() => void connect(), delay)
}

async function connect() {
  clearTimeout(retryTimer)
  if (!wanted || socket || !navigator.onLine) return
  let token = getAccessToken()
  if (!token) {
    if (!(await refreshSession())) return
    token = getAccessToken()
    if (!token) return
  }
  const ws = new WebSocket(url(), ['hearth.v1', `bearer.${token}`])
  socket = ws
  let opened = false
  ws.onopen = () => {
    opened = true
  }
  ws.onmessage = (m) => {
    let e: StreamEvent
    try {
      e = JSON.parse(String(m.data)) as StreamEvent
    } catch {
      return
    }
    if (typeof e.id === 'number') {
      if (!firstTime(e.id)) return
      lastEventId = Math.max(lastEventId ?? 0, e.id)
    }
    if (e.type === 'stream.ready') {
      attempt = 0
      lastEventId = e.data.lastEventId
      setLive({ connected: true })
      refreshCounts(0)
    } else {
      countsFrom(e)
    }
    emit(e)
  }
  ws.onclose = (ev) => {
    if (socket === ws) socket = null
    setLive({ connected: false })
    if (!wanted) return
    if (ev.code === 4001 || ev.code === 4003) {
      // 4001: the session ended (signed out elsewhere, revoked, blocked); 4003: the access token
      // the stream was opened with expired. A refresh settles both: if it fails the app shows the
      // sign-in screen; if it works (an expiry, or a rotation race), reconnect with `since`.
      void refreshSession().then((ok) => (ok ? connect() : sessionEnded()))
      return
    }
    if (!opened && getSession().status === 'signed-in') {
      // Refused before opening: most often an expired access token.
      void refreshSession().then(() => scheduleReconnect())
      return
    }
    scheduleReconnect()
  }
}

function reconnectNow() {
  attempt = 0
  if (socket) return
  void connect()
}

function dropConnection() {
  // The OS says the network is gone: the socket may not notice for minutes. Close it now and
  // reconnect (with catch-up) when the network is back.
  if (socket) {
    const s = socket
    socket = null
    s.close()
    setLive({ connected: false })
  }
}

export function startStream() {
  if (wanted) return
  wanted = true
  window.addEventListener('online', reconnectNow)
  window.addEventListener('offline', dropConnection)
  document.addEventListener('visibilitychange', onVisible)
  void connect()
}

export function stopStream() {
  wanted = false
  lastEventId = undefined
  seen.clear()
  clearTimeout(retryTimer)
  window.removeEventListener('online', reconnectNow)
  window.removeEventListener('offline', dropConnection)
  document.removeEventListener('visibilitychange', onVisible)
  socket?.close()
  socket = null
  setLive({ connected: false, unreadConversations: 0, unreadNotifications: 0 })
}

function onVisible() {
  if (document.visibilityState === 'visible') reconnectNow()
}

/** Client → server messages (e.g. `{type: 'typing', conversationId}`); dropped while offline. */
export function sendOnStream(message: Record<string, unknown>) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
}
