import type { Redis } from 'ioredis'
import type { EventBus } from './types.js'

/**
 * Redis pub/sub. Publishing uses the shared client; subscribing needs a connection of its own
 * (a subscribed Redis connection can do nothing else), duplicated from it.
 */
export function createRedisBus(redis: Redis, prefix: string): EventBus {
  const sub = redis.duplicate()
  sub.on('error', () => {}) // ioredis reconnects by itself; the shared client's listener logs
  const handlers = new Map<string, Set<(m: unknown) => void>>()
  sub.on('message', (channel: string, raw: string) => {
    const set = handlers.get(channel)
    if (!set) return
    let message: unknown
    try {
      message = JSON.parse(raw)
    } catch {
      return
    }
    for (const h of set) h(message)
  })
  return {
    kind: 'redis',
    async publish(channel, message) {
      await redis.publish(prefix + channel, JSON.stringify(message))
    },
    async subscribe(channel, handler) {
      const full = prefix + channel
      let set = handlers.get(full)
      if (!set) {
        handlers.set(full, (set = new Set()))
        await sub.subscribe(full)
      }
      set.add(handler)
      return async () => {
        set.delete(handler)
        if (set.size === 0) {
          handlers.delete(full)
          await sub.unsubscribe(full).catch(() => {})
        }
      }
    },
    async close() {
      handlers.clear()
      await sub.quit().catch(() => sub.disconnect())
    },
  }
}
