// Who is signed in. The access token lives in memory only (never storage, so an injected script
// cannot lift it from disk); the refresh token is the httpOnly `refresh_token` cookie, which the
// page cannot read at all. A reload starts signed out and refreshes through the cookie.
import { useSyncExternalStore } from 'react'
import type { AuthResponse, Me } from './types'

export type SessionState =
  | { status: 'loading'; user: null }
  | { status: 'signed-out'; user: null; reason?: 'revoked' | 'signed-out' }
  | { status: 'signed-in'; user: Me }

let state: SessionState = { status: 'loading', user: null }
let accessToken: string | null = null
let refreshTimer: ReturnType<typeof setTimeout> | undefined
let inFlight: Promise<boolean> | null = null
const listeners = new Set<() => void>()

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
  emit({ status: 'signed-out', user: null, reason })
  if (announce) channel?.postMessage('signed-out')
}

/** The server said this session is over (revoked elsewhere, user blocked, refresh reused). */
export function sessionEnded() {
  if (state.status === 'signed-in') clear('revoked', false)
}

async function doRefresh(): Promise<boolean> {
  try {
    const res = await fetch('/api/hearth/v1/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    if (res.ok) {
      acceptTokens((await res.json()) as AuthResponse, false)
      return true
    }
    if (res.status === 401 || res.status === 403) {
      if (state.status === 'signed-in') clear('revoked', false)
      else emit({ status: 'signed-out', user: null })
      return false
    }
    // 429 / 5xx: keep what we have and try again later.
    if (state.status === 'loading') emit({ status: 'signed-out', user: null })
    return false
  } catch {
    if (state.status === 'loading') emit({ status: 'signed-out', user: null })
    return false
  }
}

/**
 * Rotates the refresh cookie for a new access token. One at a time per browser: two tabs
 * presenting the same refresh token would look like theft (reuse detection ends the session),
 * so the Web Lock makes the second tab wait and then send the cookie the first one received.
 */
export function refreshSession(): Promise<boolean> {
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
