// The service worker (public/sw.js) from the page's side: registers it in production builds, says
// when a new deploy's worker is waiting (the "New version available" toast), hands over to it on
// Reload, and on sign-out clears its caches and the offline copy of the feed.
import { useSyncExternalStore } from 'react'
import { getSession, onSessionChange } from '../../api/session'
import { forgetFeed } from './last-feed'

let waiting: ServiceWorker | null = null
const listeners = new Set<() => void>()

function setWaiting(w: ServiceWorker) {
  // The first install has no page to update: only a worker replacing another one waits.
  if (!navigator.serviceWorker.controller) return
  waiting = w
  for (const l of listeners) l()
}

export function useUpdateWaiting(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => waiting !== null,
  )
}

/** Reload into the new version: the waiting worker takes over, then every tab reloads. */
export function applyUpdate() {
  waiting?.postMessage({ type: 'skip-waiting' })
}

function watchSignOut() {
  let was = getSession().status
  onSessionChange(() => {
    const now = getSession().status
    if (now === 'signed-out') {
      forgetFeed()
      if (was === 'signed-in') navigator.serviceWorker?.controller?.postMessage({ type: 'signed-out' })
    }
    was = now
  })
}

export function registerServiceWorker() {
  watchSignOut()
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  const sw = navigator.serviceWorker
  // A new worker took over (after Reload, here or in another tab): load the new build.
  const hadController = sw.controller !== null
  let reloading = false
  sw.addEventListener('controllerchange', () => {
    if (!hadController || reloading) return
    reloading = true
    window.location.reload()
  })
  sw.register('/sw.js', { scope: '/', updateViaCache: 'none' })
    .then((reg) => {
      if (reg.waiting) setWaiting(reg.waiting)
      reg.addEventListener('updatefound', () => {
        const w = reg.installing
        w?.addEventListener('statechange', () => {
          if (w.state === 'installed') setWaiting(w)
        })
      })
      // Long-lived tabs (an installed app) look for a new deploy when they come back to the front.
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') reg.update().catch(() => {})
      })
    })
    .catch(() => {
      // no service worker (private mode, http on another host): the app works without one
    })
}
