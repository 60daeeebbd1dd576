import { Redis } from 'ioredis'
import type { Cache } from './types.js'

const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
return {n, ttl}`

// DECR keeps the key's expiry; a counter that has expired is not brought back as -1.
const DECREMENT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0`

export function createRedisClient(url: string): Redis {
  return new Redis(url, {
    // Redis is a cache and a bus here, never the source of truth: while it is away every command
    // fails at once (no offline queue, no retry of a command cut off by the drop, a bound on a
    // command a hung server never answers) and its callers fall back (platform/cache/fallback.ts,
    // the rate-limit store, the bus). Waiting for it would stall the API.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(100 * times, 1000),
    lazyConnect: false,
    // Commands issued in the same tick leave in one write: a stream re-validation slice (hundreds
    // of session reads at once), concurrent requests' rate-limit checks. Socket writes were the
    // largest item of the server's profile under bench/stream.ts.
    enableAutoPipelining: true,
  })
}

/** Redis-backed cache shared by every instance. `prefix` namespaces keys (tests use one per run). */
export function createRedisCache(redis: Redis, prefix: string): Cache {
  const k = (key: string) => prefix + key
  return {
    kind: 'redis',
    async get(key) {
      return redis.get(k(key))
    },
    async set(key, value, ttlSeconds) {
      await redis.set(k(key), value, 'EX', ttlSeconds)
    },
    async setIfAbsent(key, value, ttlSeconds) {
      return (await redis.set(k(key), value, 'EX', ttlSeconds, 'NX')) === 'OK'
    },
    async del(key) {
      await redis.del(k(key))
    },
    async hit(key, windowSeconds) {
      const [count, ttl] = (await redis.eval(HIT, 1, k(key), windowSeconds)) as [number, number]
      return { count, resetInSeconds: ttl > 0 ? ttl : windowSeconds }
    },
    async decrement(key) {
      await redis.eval(DECREMENT, 1, k(key))
    },
    async ping() {
      await redis.ping()
    },
    async close() {
      // The client is owned by the context, which quits it.
    },
  }
}
