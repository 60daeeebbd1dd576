import type { EventBus } from './types.js'

export function createLocalBus(): EventBus {
  const handlers = new Map<string, Set<(m: unknown) => void>>()
  return {
    kind: 'local',
    async publish(channel, message) {
      // Serialise as Redis would, so both implementations hand handlers equal, unshared values.
      const copy = JSON.parse(JSON.stringify(message)) as unknown
      for (const h of handlers.get(channel) ?? []) queueMicrotask(() => h(copy))
    },
    async subscribe(channel, handler) {
      let set = handlers.get(channel)
      if (!set) handlers.set(channel, (set = new Set()))
      set.add(handler)
      return async () => {
        set.delete(handler)
        if (set.size === 0) handlers.delete(channel)
      }
    },
    onResume() {},
    async close() {
      handlers.clear()
    },
  }
}
