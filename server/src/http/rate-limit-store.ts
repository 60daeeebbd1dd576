// A @fastify/rate-limit store on Redis that counts locally while a key is far from its limit.
//
// The plugin's own Redis store runs a Lua script per request: a round trip that cost a third of a
// signed-in no-op route's throughput and ~15% of a feed page's (bench/results/auth.md, feed.md).
// Here a key whose count, as last read from Redis plus what this instance added since, is below
// half of its limit — and was read within the last FRESH_MS — is counted in memory and answered at
// once; the increments reach Redis in one INCRBY per key every SYNC_MS. Every other request (a new
// or stale key, the upper half of a limit, any limit below FAST_PATH_MIN_MAX such as sign-in's) is
// counted in Redis first, exactly as before. Nothing is lost: every request is in Redis within
// SYNC_MS. What it gives up: while a key is in its lower half, instances do not see each other's
// latest increments for up to FRESH_MS, so a client spread over N instances can pass the limit by
// at most (N − 1) × half of it once, and only when it reaches the limit within that time.
import type { Redis } from 'ioredis'

/** Limits below this are counted in Redis on every request (sign-in, mail: small and sensitive). */
export const FAST_PATH_MIN_MAX = 100
/** How often local increments are written to Redis. */
export const SYNC_MS = 100
/** How recent the count read from Redis must be for a request to be counted locally. */
export const FRESH_MS = 2 * SYNC_MS

// INCRBY, starting the window on a new key; returns the count and the window's remaining ms.
const INCR_BY = `
local c = redis.call('INCRBY', KEYS[1], ARGV[1])
local t = redis.call('PTTL', KEYS[1])
if c == tonumber(ARGV[1]) or t < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  t = tonumber(ARGV[2])
end
return {c, t}`

type RedisWithScript = Redis & {
  hearthRateLimitBy(key: string, by: number, windowMs: number): Promise<[number, number]>
}

interface KeyState {
  /** increments counted here and not yet written to Redis */
  pending: number
  /** the count Redis returned last */
  remote: number
  /** when the window ends, as Redis said last (ms since the epoch) */
  resetAt: number
  /** when Redis was last read for this key */
  syncedAt: number
  windowMs: number
}

export interface RateLimitResult {
  current: number
  ttl: number
}

export class RateLimitCounter {
  private readonly keys = new Map<string, KeyState>()
  private readonly redis: RedisWithScript
  private readonly timer: ReturnType<typeof setInterval>
  private flushing: Promise<void> | null = null

  constructor(redis: Redis) {
    this.redis = redis as RedisWithScript
    if (!('hearthRateLimitBy' in redis)) redis.defineCommand('hearthRateLimitBy', { numberOfKeys: 1, lua: INCR_BY })
    this.timer = setInterval(() => void this.flush(), SYNC_MS)
    this.timer.unref()
  }

  /** Counts one request for `key`; resolves at once on the local path. */
  incr(key: string, windowMs: number, max: number): RateLimitResult | Promise<RateLimitResult> {
    const now = Date.now()
    const s = this.keys.get(key)
    if (s && max >= FAST_PATH_MIN_MAX && now < s.resetAt && now - s.syncedAt < FRESH_MS && s.remote + s.pending + 1 <= max / 2) {
      s.pending++
      return { current: s.remote + s.pending, ttl: s.resetAt - now }
    }
    return this.exact(key, windowMs, s)
  }

  private async exact(key: string, windowMs: number, known: KeyState | undefined): Promise<RateLimitResult> {
    const s = known ?? { pending: 0, remote: 0, resetAt: 0, syncedAt: 0, windowMs }
    if (!known) this.keys.set(key, s)
    // this request, and whatever was counted here and not yet written
    const by = s.pending + 1
    s.pending = 0
    s.windowMs = windowMs
    let result: [number, number]
    try {
      result = await this.redis.hearthRateLimitBy(key, by, windowMs)
    } catch {
      // Redis unreachable: count in this instance (from the last count Redis gave) until it is
      // back; the next flush hands Redis what was counted meanwhile.
      s.pending += by
      const now = Date.now()
      if (now >= s.resetAt) {
        s.remote = 0
        s.resetAt = now + windowMs
      }
      return { current: s.remote + s.pending, ttl: s.resetAt - now }
    }
    const [count, ttl] = result
    this.record(s, count, ttl)
    // requests counted locally while this one was in flight are not in `count` yet
    return { current: count + s.pending, ttl }
  }

  private record(s: KeyState, count: number, ttl: number) {
    const now = Date.now()
    s.remote = count
    s.resetAt = now + ttl
    s.syncedAt = now
  }

  /** Writes local increments to Redis (one INCRBY per key, pipelined) and forgets ended windows. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing
    this.flushing = (async () => {
      const now = Date.now()
      const writes: Promise<void>[] = []
      for (const [key, s] of this.keys) {
        if (s.pending === 0) {
          if (now > s.resetAt + SYNC_MS) this.keys.delete(key)
          continue
        }
        const by = s.pending
        s.pending = 0
        writes.push(
          this.redis.hearthRateLimitBy(key, by, s.windowMs).then(
            ([count, ttl]) => this.record(s, count, ttl),
            () => {
              s.pending += by // Redis unavailable: try again at the next flush
            },
          ),
        )
      }
      await Promise.all(writes)
    })().finally(() => (this.flushing = null))
    return this.flushing
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    await this.flush()
  }
}

type Callback = (err: Error | null, res?: RateLimitResult) => void

/**
 * The store class @fastify/rate-limit instantiates (`store` option), bound to one counter. Route
 * options with their own limits get a child store whose keys name the route, as the plugin's
 * Redis store does.
 */
export function rateLimitStore(counter: RateLimitCounter, redis: Redis, prefix: string) {
  return class HearthRateLimitStore {
    constructor(
      _params?: unknown,
      private readonly keyPrefix = prefix,
    ) {}

    incr(key: string, cb: Callback, timeWindow: number, max: number) {
      const r = counter.incr(this.keyPrefix + key, timeWindow, max)
      if ('then' in r)
        r.then(
          (res) => cb(null, res),
          (err: Error) => cb(err),
        )
      else cb(null, r)
    }

    read(key: string, cb: Callback) {
      redis
        .multi()
        .get(this.keyPrefix + key)
        .pttl(this.keyPrefix + key)
        .exec()
        .then(
          (res) => {
            const current = Number(res?.[0]?.[1] ?? 0)
            const ttl = Number(res?.[1]?.[1] ?? 0)
            cb(null, { current, ttl: ttl > 0 ? ttl : 0 })
          },
          (err: Error) => cb(err),
        )
    }

    child(routeOptions: object): HearthRateLimitStore {
      // the plugin passes its merged route options, naming the route in `routeInfo`
      const { method, url } = (routeOptions as { routeInfo: { method: string; url: string } }).routeInfo
      return new HearthRateLimitStore(undefined, `${this.keyPrefix}${method}${url}-`)
    }
  }
}
