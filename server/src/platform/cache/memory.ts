import type { Cache } from './types.js'

interface Entry {
  value: string
  expiresAt: number
}

/** In-process cache for a single instance. Expired entries are dropped lazily and by a sweep. */
export function createMemoryCache(opts: { maxEntries?: number } = {}): Cache {
  const maxEntries = opts.maxEntries ?? 100_000
  const map = new Map<string, Entry>()
  const sweep = setInterval(() => {
    const now = Date.now()
    for (const [k, e] of map) if (e.expiresAt <= now) map.delete(k)
  }, 30_000)
  sweep.unref()

  const live = (key: string): Entry | undefined => {
    const e = map.get(key)
    if (!e) return undefined
    if (e.expiresAt <= Date.now()) {
      map.delete(key)
      return undefined
    }
    return e
  }
  const put = (key: string, value: string, ttlSeconds: number) => {
    map.delete(key)
    if (map.size >= maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest write.
      const oldest = map.keys().next().value
      if (oldest !== undefined) map.delete(oldest)
    }
    map.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 })
  }

  return {
    kind: 'memory',
    async get(key) {
      return live(key)?.value ?? null
    },
    async set(key, value, ttlSeconds) {
      put(key, value, ttlSeconds)
    },
    async setIfAbsent(key, value, ttlSeconds) {
      if (live(key)) return false
      put(key, value, ttlSeconds)
      return true
    },
    async del(key) {
      map.delete(key)
    },
    async hit(key, windowSeconds) {
      const e = live(key)
      if (!e) {
        put(key, '1', windowSeconds)
        return { count: 1, resetInSeconds: windowSeconds }
      }
      e.value = String(Number(e.value) + 1)
      return { count: Number(e.value), resetInSeconds: Math.max(1, Math.ceil((e.expiresAt - Date.now()) / 1000)) }
    },
    async decrement(key) {
      const e = live(key)
      if (e && Number(e.value) > 0) e.value = String(Number(e.value) - 1)
    },
    async ping() {},
    async close() {
      clearInterval(sweep)
      map.clear()
    },
  }
}
