// Hearth's service worker: the app installs and opens without the network. Hand-written (no
// Workbox): the build (web/vite.config.ts) fills in VERSION and PRECACHE — every file of that
// build except the pages — so each deploy is a new worker, which waits until the page's "New
// version available — Reload" toast asks it to take over.
// What it never does: keep any answer of the API (/api/*), media, OAuth or docs. Those go to the
// network untouched, so nothing one person saw can be shown to the next from this cache. The only
// thing of a person's kept offline is the last feed page, in the page's own storage (cleared on
// sign-out), shown by offline.html.
const VERSION = 'dev'
const PRECACHE = []

const SHELL = `hearth-shell-${VERSION}`
const ASSETS = 'hearth-assets'
const OFFLINE = '/offline.html'
const NEVER = /^\/(api|media|oauth|docs|\.well-known|nodeinfo)(\/|$)|^\/(healthz|readyz|sw\.js)$/

const precache = () => caches.open(SHELL).then((c) => c.addAll(PRECACHE.length ? PRECACHE : [OFFLINE]))

self.addEventListener('install', (event) => {
  event.waitUntil(precache())
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // Earlier builds' shells go; hashed assets still named by this build stay.
      for (const key of await caches.keys()) if (key.startsWith('hearth-shell-') && key !== SHELL) await caches.delete(key)
      const assets = await caches.open(ASSETS)
      const current = new Set(PRECACHE)
      for (const req of await assets.keys()) if (!current.has(new URL(req.url).pathname)) await assets.delete(req)
      await self.clients.claim()
    })(),
  )
})

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type
  if (type === 'skip-waiting') void self.skipWaiting()
  // Sign-out: every cache goes but this build's shell, which holds only the build's own files
  // (PRECACHE, fixed at build time) and keeps the offline page working.
  if (type === 'signed-out') {
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k)))))
  }
})

self.addEventListener('fetch', (event) => {
  const req = event.request
  if (req.method !== 'GET') return
  const url = new URL(req.url)
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) return

  // Pages: always the network (the shell names the current build); offline, the offline page.
  if (req.mode === 'navigate') {
    event.respondWith(fetch(req).catch(() => caches.match(OFFLINE, { cacheName: SHELL }).then((r) => r || Response.error())))
    return
  }

  // Hashed assets never change under their name: the cache first, filled as they are fetched.
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.match(req).then(
        (hit) =>
          hit ||
          fetch(req).then((res) => {
            if (res.ok) {
              const copy = res.clone()
              event.waitUntil(caches.open(ASSETS).then((c) => c.put(req, copy)))
            }
            return res
          }),
      ),
    )
    return
  }

  // The other files of this build (theme.js, icons, the offline page): the network, the cache offline.
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(fetch(req).catch(() => caches.match(req, { cacheName: SHELL }).then((r) => r || Response.error())))
  }
})
