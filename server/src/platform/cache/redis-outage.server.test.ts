// Redis stopped under a running app (a redis-server of the test's own, never the shared one):
// requests still answer within a second, session checks fall back to the database (a session
// revoked during the outage stays revoked, also after Redis is back), rate limits count per
// instance, /readyz says degraded; once Redis is back everything resumes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, login, register, type Harness, type TestApp } from '../../../test/helpers.js'
import { startOwnRedis, type OwnRedis } from '../../../test/own-services.js'

let redis: OwnRedis
let h: Harness
let t: TestApp

beforeAll(async () => {
  redis = await startOwnRedis()
  h = await createHarness()
  t = await h.start({ REDIS_URL: redis.url })
}, 60_000)
afterAll(async () => {
  await h?.close()
  await redis?.stop()
})

const timed = async <T>(fn: () => Promise<T>) => {
  const started = Date.now()
  const value = await fn()
  return { value, ms: Date.now() - started }
}

describe('Redis down (issue 12 item 9)', () => {
  it('keeps answering within a second, keeps revocations, says degraded, and recovers', async () => {
    const alice = await register(t.app)
    const bob = await register(t.app)
    const me = (who: { headers: Record<string, string> }) => t.app.inject({ url: '/api/hearth/v1/users/me', headers: who.headers })
    expect((await me(alice)).statusCode).toBe(200)
    expect((await me(bob)).statusCode).toBe(200)

    await redis.stop()
    const first = await timed(() => me(alice))
    expect(first.value.statusCode).toBe(200)
    expect(first.ms).toBeLessThan(1000)
    // revoked during the outage: refused at once, from the database
    expect((await t.app.inject({ method: 'POST', url: '/api/hearth/v1/auth/logout', headers: bob.headers })).statusCode).toBe(204)
    const revoked = await timed(() => me(bob))
    expect(revoked.value.statusCode).toBe(401)
    expect(revoked.ms).toBeLessThan(1000)
    // signing in works (its limits are counted in this instance meanwhile)
    const signIn = await timed(() => login(t.app, alice.user.username, alice.password))
    expect(signIn.ms).toBeLessThan(2000)
    expect((await me(signIn.value)).statusCode).toBe(200)
    const ready = await t.app.inject({ url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toMatchObject({ status: 'degraded', checks: { database: { status: 'ok' }, redis: { status: 'fail' } } })

    await redis.start()
    let status = ''
    for (let i = 0; i < 100 && status !== 'ok'; i++) {
      status = (await t.app.inject({ url: '/readyz' })).json<{ status: string }>().status
      if (status !== 'ok') await new Promise((r) => setTimeout(r, 100))
    }
    expect(status).toBe('ok')
    expect((await me(alice)).statusCode).toBe(200)
    expect((await me(bob)).statusCode).toBe(401) // still revoked once Redis is back
  }, 60_000)
})
