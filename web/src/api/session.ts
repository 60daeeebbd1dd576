// Who is signed in. The access token lives in memory only (never storage, so an injected script
// cannot lift it from disk); the refresh token is the httpOnly `refresh_token` cookie, which the
// page cannot read at all. A reload starts signed out and refreshes through the cookie.
// Only the server's "no" to the session (401, or 403 for a blocked account) signs out: a 429, a
// 5xx or a network error keeps the person signed in (or still loading), says so through
// useSessionNotice() and retries after Retry-After or a backoff, with jitter.
import { useSyncExternalStore } from 'react'
import type { AuthResponse, Me } from './types'

export type SessionState =
  | { status: 'loading'; user: null }
  | { status: 'signed-out'; user: null; reason?: 'revoked' | 'signed-out' }
  | { status: 'signed-in'; user: Me }

let state: SessionState = { status: 'loading', user: null }
let accessToken: string | null = null
let refreshTimer: ReturnType<typeof setTimeout> | undefined
let accessExpiresAt = 0
let inFlight: Promise<boolean> | null = null
const listeners = new Set<() => void>()

/** Why the session could not be refreshed just now, and when it is tried again. */
export type SessionNotice = { kind: 'rate-limited' | 'unreachable'; retryAt: number } | null
let notice: SessionNotice = null
let failures = 0
const noticeListeners = new Set<() => void>()

function setNotice(next: SessionNotice) {
  notice = next
  for (const l of noticeListeners) l()
}

export function useSessionNotice(): SessionNotice {
  return useSyncExternalStore(
    (l) => {
      noticeListeners.add(l)
      return () => noticeListeners.delete(l)
    },
    () => notice,
  )
}

// Other tabs share the cookie: when one signs out (or in), the others follow.
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('hearth-session')
channel?.addEventListener('message', (e: MessageEvent<string>) => {
  if (e.data === 'signed-out') clear('signed-out', false)
  if (e.data === 'signed-in' && state.status !== 'signed-in') void refreshSession()
})

function emit(next: SessionState) {
  state = next
  for (const l of listeners) l()
}

/** Resolves once the first refresh has said whether someone is signed in. */
export function sessionSettled(): Promise<void> {
  if (state.status !== 'loading') return Promise.resolve()
  return new Promise((resolve) => {
    const l = () => {
      if (state.status === 'loading') return
      listeners.delete(l)
      resolve()
    }
    listeners.add(l)
  })
}

export function getAccessToken(): string | null {
  return accessToken
}

/** Whether the access token in memory is still valid for at least `marginMs`. */
export function accessTokenFresh(marginMs = 5000): boolean {
  return accessToken !== null && Date.now() + marginMs < accessExpiresAt
}

/** Called on every change of the session (sign-in, each refresh, sign-out); returns the unsubscribe. */
export function onSessionChange(fn: () => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

export function getSession(): SessionState {
  return state
}

export function useSession(): SessionState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => state,
  )
}

/** After sign-in, sign-up, a refresh or an OAuth return. */
export function acceptTokens(result: AuthResponse, announce = true) {
  accessToken = result.accessToken
  accessExpiresAt = Date.now() + result.expiresIn * 1000
  failures = 0
  if (notice) setNotice(null)
  clearTimeout(refreshTimer)
  // Refresh a minute before expiry so requests rarely meet an expired token.
  const inMs = Math.max(10, result.expiresIn - 60) * 1000
  refreshTimer = setTimeout(() => void refreshSession(), inMs)
  emit({ status: 'signed-in', user: result.user })
  if (announce) channel?.postMessage('signed-in')
}

export function updateUser(user: Me) {
  if (state.status === 'signed-in') emit({ status: 'signed-in', user })
}

function clear(reason: 'revoked' | 'signed-out', announce: boolean) {
  accessToken = null
  clearTimeout(refreshTimer)
  if (notice) setNotice(null)
  emit({ status: 'signed-out', user: null, reason })
  if (announce) channel?.postMessage('signed-out')
}

/** The server said this session is over (revoked elsewhere, user blocked, refresh reused). */
export function sessionEnded() {
  if (state.status === 'signed-in') clear('revoked', false)
}

/**
 * The refresh could not be answered (429, 5xx, network): keep the session as it is and try again
 * after Retry-After, or after 1 s, 2 s, 4 s … 60 s, plus jitter so that many tabs or people
 * behind one address do not come back at the same instant.
 */
function retryLater(kind: 'rate-limited' | 'unreachable', retryAfterHeader: string | null) {
  failures++
  const retryAfter = Number(retryAfterHeader)
  const base = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(60_000, 1000 * 2 ** (failures - 1))
  const delay = base + Math.random() * Math.max(1000, base * 0.2)
  setNotice({ kind, retryAt: Date.now() + delay })
  clearTimeout(refreshTimer)
  refreshTimer = setTimeout(() => void rotate(), delay)
}

async function doRefresh(): Promise<boolean> {
  let res: Response
  try {
    res = await fetch('/api/hearth/v1/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
  } catch {
    retryLater('unreachable', null)
    return false
  }
  if (res.ok) {
    acceptTokens((await res.json()) as AuthResponse, false)
    return true
  }
  if (res.status === 401 || res.status === 403) {
    // The server's answer about this session: it is over (or there never was one).
    if (state.status === 'signed-in') clear('revoked', false)
    else emit({ status: 'signed-out', user: null })
    return false
  }
  retryLater(res.status === 429 ? 'rate-limited' : 'unreachable', res.headers.get('retry-after'))
  return false
}

/**
 * Rotates the refresh cookie for a new access token. One at a time per browser: two tabs
 * presenting the same refresh token would look like theft (reuse detection ends the session),
 * so the Web Lock makes the second tab wait and then send the cookie the first one received.
 */
export function refreshSession(): Promise<boolean> {
  // A retry is already scheduled (after a 429 or an outage): asking again sooner would only add
  // to what the server refused; callers wait for the session to change instead.
  if (notice && Date.now() < notice.retryAt) return Promise.resolve(false)
  return rotate()
}

function rotate(): Promise<boolean> {
  inFlight ??= (async () => {
    try {
      if (typeof navigator !== 'undefined' && navigator.locks) {
        return await navigator.locks.request('hearth-refresh', doRefresh)
      }
      return await doRefresh()
    } finally {
      inFlight = null
    }
  })()
  return inFlight
}

export async function signOut() {
  const token = accessToken
  clear('signed-out', true)
  if (token) {
    await fetch('/api/hearth/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => {})
  }
}
