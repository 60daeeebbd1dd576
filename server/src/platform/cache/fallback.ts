// Redis is a cache here, never the source of truth: while it cannot be reached, the shared cache
// degrades instead of failing the request. Reads miss (callers read the database, so a revoked
// session stays revoked); counters (`hit`: rate limits, sign-in lockout) are counted in this
// process; writes that could not reach Redis — revocation markers and invalidations above all —
// are replayed once it is back, so no entry cached before the outage outlives a change made during
// it. Fills (`setIfAbsent`) are dropped: they are only an optimisation.
import type { Redis } from 'ioredis'
import type { Logger } from '../../logger.js'
import { createMemoryCache } from './memory.js'
import type { Cache } from './types.js'

/** Writes remembered for replay at most; past it the oldest are dropped (their entries expire anyway). */
const MAX_REPLAY = 100_000

type Write = { op: 'set'; value: string; ttlSeconds: number } | { op: 'del' }

export function withFallback(redisCache: Cache, redis: Redis, logger: Logger): Cache {
  const local = createMemoryCache()
  const replay = new Map<string, Write>()
  let down = false
  const fellBack = (err: unknown) => {
    if (!down) logger.warn({ err }, 'redis unreachable: the cache falls back to the database and per-instance counting')
    down = true
  }
  const remember = (key: string, w: Write) => {
    replay.delete(key)
    if (replay.size >= MAX_REPLAY) replay.delete(replay.keys().next().value!)
    replay.set(key, w)
  }
  const onReady = async () => {
    const pending = [...replay]
    replay.clear()
    const results = await Promise.allSettled(
      pending.map(([key, w]) => (w.op === 'set' ? redisCache.set(key, w.value, w.ttlSeconds) : redisCache.del(key))),
    )
    results.forEach((r, i) => {
      if (r.status === 'rejected') remember(pending[i]![0], pending[i]![1])
    })
    if (down) logger.info({ replayed: pending.length }, 'redis is back')
    down = false
  }
  redis.on('ready', () => void onReady())

  return {
    kind: 'redis',
    async get(key) {
      try {
        if (replay.size === 0 || !replay.has(key)) return await redisCache.get(key)
      } catch (err) {
        fellBack(err)
      }
      return local.get(key)
    },
    async set(key, value, ttlSeconds) {
      try {
        await redisCache.set(key, value, ttlSeconds)
      } catch (err) {
        fellBack(err)
        remember(key, { op: 'set', value, ttlSeconds })
        await local.del(key)
      }
    },
    async setIfAbsent(key, value, ttlSeconds) {
      try {
        return await redisCache.setIfAbsent(key, value, ttlSeconds)
      } catch (err) {
        fellBack(err)
        return false
      }
    },
    async del(key) {
      try {
        await redisCache.del(key)
      } catch (err) {
        fellBack(err)
        remember(key, { op: 'del' })
        await local.del(key)
      }
    },
    async hit(key, windowSeconds) {
      try {
        return await redisCache.hit(key, windowSeconds)
      } catch (err) {
        fellBack(err)
        return local.hit(key, windowSeconds)
      }
    },
    async decrement(key) {
      try {
        await redisCache.decrement(key)
      } catch (err) {
        fellBack(err)
        await local.decrement(key)
      }
    },
    ping: () => redisCache.ping(),
    async close() {
      await local.close()
      await redisCache.close()
    },
  }
}
