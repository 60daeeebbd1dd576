import type { Redis } from 'ioredis'
import type { EventBus } from './types.js'

/**
 * Redis pub/sub. Publishing uses the shared client; subscribing needs a connection of its own
 * (a subscribed Redis connection can do nothing else), duplicated from it.
 */
export function createRedisBus(redis: Redis, prefix: string): EventBus {
  // Subscriptions made while Redis is away wait in the offline queue and go out on reconnect
  // (ioredis also re-subscribes what was subscribed before the drop).
  const sub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined })
  sub.on('error', () => {}) // ioredis reconnects by itself; the shared client's listener logs
  const resumed = new Set<() => void>()
  let lost = false
  sub.on('close', () => (lost = true))
  sub.on('ready', () => {
    if (!lost) return
    lost = false
    for (const fn of resumed) fn()
  })
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
        // Connected: wait for the subscription, so nothing published after this returns is missed.
        // Away: do not wait (the caller would hang); onResume tells when what was missed must be read.
        if (sub.status === 'ready') await sub.subscribe(full)
        else void sub.subscribe(full).catch(() => {})
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
    onResume(fn) {
      resumed.add(fn)
    },
    async close() {
      resumed.clear()
      handlers.clear()
      await sub.quit().catch(() => sub.disconnect())
    },
  }
}
