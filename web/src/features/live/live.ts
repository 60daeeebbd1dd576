// Live state shared by the whole app: unread counts for the bell, the inbox and follow requests, fed by the
// realtime stream (see stream.ts) and corrected from the API whenever the stream (re)connects.
import { useSyncExternalStore } from 'react'

export interface LiveState {
  unreadNotifications: number
  unreadConversations: number
  /** people asking to follow this (private) account: the badge of the follow requests screen */
  followRequests: number
  connected: boolean
}

let state: LiveState = { unreadNotifications: 0, unreadConversations: 0, followRequests: 0, connected: false }
const listeners = new Set<() => void>()

export function setLive(patch: Partial<LiveState>) {
  state = { ...state, ...patch }
  for (const l of listeners) l()
}

export function getLive(): LiveState {
  return state
}

export function useLive(): LiveState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => state,
  )
}
