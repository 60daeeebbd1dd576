// The realtime stream (GET /api/hearth/v1/stream, WebSocket). One connection per tab while signed in.
// It authenticates with the access token as a `bearer.<token>` subprotocol (never in the URL,
// which proxies log), reconnects with backoff and jitter, and asks for `?since=<last event id>` so
// events missed during a drop are replayed. A refused connection (the browser cannot tell why) is
// retried with backoff, never answered with a token refresh; the token is refreshed only when it
// is known to be stale: the server closed with 4003 (expired) or 4001 (session ended), or its
// expiry has passed. On 1001 (the server is going away) it reconnects within a few seconds, each
// tab at a random moment so a restarted server is not met by every client at once.
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { accessTokenFresh, getAccessToken, getSession, onSessionChange, refreshSession } from '../../api/session'
import type { Message, Notification, UserSummary } from '../../api/types'
import { setLive } from './live'

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
let stopWatchingSession: (() => void) | undefined

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
    // the bell counts groups, messages left out (the Messages badge counts those)
    call(api.GET('/api/hearth/v1/notifications/unread-count', { params: { query: { grouped: true } } }))
      .then((r) => setLive({ unreadNotifications: r.count }))
      .catch(() => {})
    call(api.GET('/api/hearth/v1/conversations', { params: { query: { limit: 100 } } }))
      .then((r) => setLive({ unreadConversations: r.items.filter((c) => c.unreadCount > 0).length }))
      .catch(() => {})
    call(api.GET('/api/hearth/v1/follow-requests/count'))
      .then((r) => setLive({ followRequests: r.count }))
      .catch(() => {})
  }, delay)
}

function countsFrom(e: StreamEvent) {
  const me = getSession().user?.id
  switch (e.type) {
    case 'notification.created':
      // The bell counts unread groups: whether this one joins an unread group only the server knows.
      // Messages stay out of the bell. A request can also be withdrawn unseen: asked for, not added up.
      if (e.data.notification.type !== 'message') refreshCounts()
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

function scheduleReconnect(goingAway = false) {
  if (!wanted) return
  clearTimeout(retryTimer)
  // Going away (a restart): soon, anywhere within 0.5–4 s. Otherwise 1 s, 2 s, 4 s … up to 30 s,
  // with jitter so a server that refused many clients is not stampeded by them.
  const delay = goingAway ? 500 + Math.random() * 3500 : Math.min(30_000, 1000 * 2 ** attempt) * (0.7 + Math.random() * 0.6)
  if (!goingAway) attempt++
  retryTimer = setTimeout(() => void connect(), delay)
}

async function connect() {
  clearTimeout(retryTimer)
  if (!wanted || socket || !navigator.onLine) return
  // A token past its expiry would be refused: refresh first. If the refresh cannot be done now
  // (a 429, an outage), the session retries by itself and onSessionChange brings us back here.
  if (!accessTokenFresh() && !(await refreshSession())) return
  const token = getAccessToken()
  if (!token || !wanted || socket) return
  const ws = new WebSocket(url(), ['hearth.v1', `bearer.${token}`])
  socket = ws
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
      // the stream was opened with expired. A refresh settles both: a 401 signs out (and stops the
      // stream); new tokens reconnect with `since`; a refresh put off (429) reconnects once the
      // session has its new tokens (onSessionChange).
      void refreshSession().then((ok) => {
        if (ok) void connect()
      })
      return
    }
    if (ev.code === 1001) {
      attempt = 0
      scheduleReconnect(true)
      return
    }
    // Refused before opening (the browser does not say why: server down, rate limit, origin) or
    // dropped: try again later, without touching the session.
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
  // New tokens after a refresh that had been put off: connect now if we are waiting for them.
  stopWatchingSession = onSessionChange(() => {
    if (wanted && !socket && accessTokenFresh()) reconnectNow()
  })
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
  stopWatchingSession?.()
  socket?.close()
  socket = null
  setLive({ connected: false, unreadConversations: 0, unreadNotifications: 0, followRequests: 0 })
}

function onVisible() {
  if (document.visibilityState === 'visible') reconnectNow()
}

/** Client → server messages (e.g. `{type: 'typing', conversationId}`); dropped while offline. */
export function sendOnStream(message: Record<string, unknown>) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
}
