// The Redis rate-limit store that counts locally while a key is far from its limit
// (rate-limit-store.ts), against a real Redis: two counters stand for two instances.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, register, sleep } from '../../test/helpers.js'
import { createRedisClient } from '../platform/cache/redis.js'
import { FAST_PATH_MIN_MAX, RateLimitCounter, SYNC_MS } from './rate-limit-store.js'

let ra: Redis
let rb: Redis
const counters: RateLimitCounter[] = []

beforeAll(() => {
  const url = process.env.TEST_REDIS_URL
  if (!url) throw new Error('TEST_REDIS_URL is required for this suite')
  ra = createRedisClient(url)
  rb = createRedisClient(url)
})
afterAll(async () => {
  await Promise.all(counters.map((c) => c.close()))
  ra.disconnect()
  rb.disconnect()
})

const counter = (redis: Redis) => {
  const c = new RateLimitCounter(redis)
  counters.push(c)
  return c
}
const newKey = () => `test:rl:${randomBytes(6).toString('hex')}`
const WINDOW = 60_000
/** long enough for every counter to have written its local counts and re-read Redis */
const FRESH_WAIT = 3 * SYNC_MS

describe('the rate-limit counter', () => {
  it('loses no request: what two instances counted locally is all in Redis after a sync', async () => {
    const [a, b] = [counter(ra), counter(rb)]
    const key = newKey()
    for (let i = 0; i < 3000; i++) await (i % 2 ? a : b).incr(key, WINDOW, 100_000)
    await Promise.all([a.flush(), b.flush()])
    expect(Number(await ra.get(key))).toBe(3000)
    const ttl = await ra.pttl(key)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(WINDOW)
  })

  it('refuses exactly the request past the limit on one instance, and answers the lower half from memory', async () => {
    // a client without auto-pipelining, whose script calls can be counted by wrapping the method
    const own = new Redis(process.env.TEST_REDIS_URL!)
    const a = counter(own)
    let redisCalls = 0
    const script = own as unknown as { hearthRateLimitBy: (...args: unknown[]) => Promise<unknown> }
    const original = script.hearthRateLimitBy.bind(own)
    script.hearthRateLimitBy = (...args) => (redisCalls++, original(...args))
    const key = newKey()
    const max = 200
    const results = []
    for (let i = 0; i < 230; i++) results.push(await a.incr(key, WINDOW, max))
    expect(results.map((r) => r.current)).toEqual(Array.from({ length: 230 }, (_, i) => i + 1))
    expect(results.findIndex((r) => r.current > max)).toBe(max)
    expect(results.every((r) => r.ttl > 0 && r.ttl <= WINDOW)).toBe(true)
    // The lower half was counted in memory (one call to start the window, one to write the 99
    // local counts with the 101st request), the upper half in Redis one by one (129); a timer
    // sync may add a call or two.
    expect(redisCalls).toBeGreaterThanOrEqual(131)
    expect(redisCalls).toBeLessThanOrEqual(135)
    await a.close()
    own.disconnect()
    expect(Number(await ra.get(key))).toBe(230)
  })

  it('is exact across instances once they have synced, and past a limit by at most half of it while not', async () => {
    const [a, b] = [counter(ra), counter(rb)]
    const max = 200
    // synced: one instance uses 150, the other then sees it and refuses the 201st overall
    const synced = newKey()
    for (let i = 0; i < 150; i++) await a.incr(synced, WINDOW, max)
    await a.flush()
    await sleep(FRESH_WAIT)
    const seen = []
    for (let i = 0; i < 60; i++) seen.push((await b.incr(synced, WINDOW, max)).current)
    expect(seen.findIndex((c) => c > max)).toBe(50)

    // not synced: alternating instances within one sync period
    const racing = newKey()
    const currents = []
    for (let i = 0; i < 400; i++) currents.push((await (i % 2 ? a : b).incr(racing, WINDOW, max)).current)
    const firstRefused = currents.findIndex((c) => c > max)
    expect(firstRefused).toBeGreaterThanOrEqual(max)
    expect(firstRefused).toBeLessThanOrEqual(max + max / 2)
  })

  it('counts small limits (sign-in, mail) in Redis on every request', async () => {
    const [a, b] = [counter(ra), counter(rb)]
    const key = newKey()
    const max = FAST_PATH_MIN_MAX - 1
    const currents = []
    for (let i = 0; i < max + 2; i++) currents.push((await (i % 2 ? a : b).incr(key, WINDOW, max)).current)
    expect(currents).toEqual(Array.from({ length: max + 2 }, (_, i) => i + 1))
  })
})

describe('the API limit through the store', () => {
  it('answers 429 past the per-account limit on either instance, with the remaining count in headers', async () => {
    const h = await createHarness()
    try {
      const env = { RATE_LIMIT_USER_MAX: '120' }
      const [x, y] = [await h.start(env), await h.start(env)]
      const u = await register(x.app)
      const codes: number[] = []
      const remaining: number[] = []
      for (let i = 0; i < 119; i++) {
        const r = await x.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers })
        codes.push(r.statusCode)
        remaining.push(Number(r.headers['x-ratelimit-remaining']))
      }
      expect(codes.every((c) => c === 200)).toBe(true)
      expect(remaining).toEqual(Array.from({ length: 119 }, (_, i) => 120 - (i + 1)))
      await sleep(FRESH_WAIT) // x's local counts reach Redis
      const last = await y.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers })
      expect(last.statusCode).toBe(200)
      const over = await y.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers })
      expect(over.statusCode).toBe(429)
    } finally {
      await h.close()
    }
  })
})
