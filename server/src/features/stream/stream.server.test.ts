// Two instances on one PostgreSQL and one Redis, as behind a load balancer: events cross over
// Redis pub/sub, catch-up works on either instance, and revocations close streams everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json, listen, login, register, sleep, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { StreamClient } from '../../../test/stream-client.js'

let h: Harness
let a: TestApp
let b: TestApp
let baseA: string
let baseB: string

beforeAll(async () => {
  h = await createHarness()
  a = await h.start()
  b = await h.start()
  ;[baseA, baseB] = await Promise.all([listen(a), listen(b)])
})
afterAll(async () => h.close())

const post = (t: TestApp, url: string, who: Session, payload?: unknown) =>
  t.app.inject({ method: 'POST', url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as object }) })

async function timeToClose(c: StreamClient, start: number) {
  const closed = await Promise.race([c.closed, sleep(6000).then(() => null)])
  return { ms: Date.now() - start, code: closed?.code }
}

describe('across instances', () => {
  it('runs on Redis', () => {
    expect(a.ctx.bus.kind).toBe('redis')
    expect(b.ctx.bus.kind).toBe('redis')
  })

  it('delivers a message sent through B to its receiver connected to A, and back', async () => {
    const [alice, bob] = await Promise.all([register(a.app), register(b.app)])
    const conv = json(await post(b, '/api/hearth/v1/conversations', bob, { userId: alice.user.id }))
    const onA = await StreamClient.connect(baseA, alice.accessToken)
    const onB = await StreamClient.connect(baseB, bob.accessToken)
    const m = json(await post(b, `/api/hearth/v1/conversations/${conv.id}/messages`, bob, { content: 'sent via B' }))
    expect((await onA.next((e) => e.type === 'message.created')).data.message).toMatchObject({ id: m.id, content: 'sent via B' })
    expect((await onA.next((e) => e.type === 'notification.created')).data.notification.type).toBe('message')
    // read on A → receipt on B
    await post(a, `/api/hearth/v1/conversations/${conv.id}/read`, alice)
    expect((await onB.next((e) => e.type === 'message.read')).data.messageIds).toEqual([m.id])
    await Promise.all([onA.close(), onB.close()])
  })

  it('catches up on B with what happened while the client was away from A', async () => {
    const [alice, bob] = await Promise.all([register(a.app), register(a.app)])
    const conv = json(await post(a, '/api/hearth/v1/conversations', bob, { userId: alice.user.id }))
    const first = await StreamClient.connect(baseA, alice.accessToken)
    await post(a, `/api/hearth/v1/conversations/${conv.id}/messages`, bob, { content: 'one' })
    await first.next((e) => e.type === 'notification.created')
    const last = first.lastEventId
    await first.close()
    await post(b, `/api/hearth/v1/conversations/${conv.id}/messages`, bob, { content: 'two' })
    await post(a, `/api/hearth/v1/conversations/${conv.id}/messages`, bob, { content: 'three' })
    const again = await StreamClient.connect(baseB, alice.accessToken, { since: last })
    // What came after `last`; events just before it come again too (a client drops ids it has).
    const fresh = again.ofType('message.created').filter((e) => e.id! > last)
    expect(fresh.map((e) => e.data.message.content)).toEqual(['two', 'three'])
    expect(
      again
        .ofType('message.created')
        .filter((e) => e.id! <= last)
        .map((e) => e.data.message.content),
    ).toEqual(['one'])
    await again.close()
  })

  it('closes a stream on A within a second when the session is revoked through B', async () => {
    const u = await register(a.app)
    const other = await login(b.app, u.user.username, u.password)
    const s = await StreamClient.connect(baseA, u.accessToken)
    let start = Date.now()
    expect((await post(b, '/api/hearth/v1/auth/logout', u)).statusCode).toBe(204)
    let r = await timeToClose(s, start)
    expect(r.code).toBe(4001)
    expect(r.ms).toBeLessThan(1000)

    // A lost announcement (the bus is at most once): the periodic re-validation closes it, within
    // its interval plus the lifetime of the session cache's local copy on A (500 ms).
    const s2 = await StreamClient.connect(baseA, other.accessToken)
    const [session] = await b.ctx.database.db.query.userSessions.findMany({
      where: (x, { eq, and }) => and(eq(x.userId, u.user.id), eq(x.isActive, true)),
    })
    start = Date.now()
    await b.services.sessions.revoke([session!.sessionToken])
    r = await timeToClose(s2, start)
    expect(r.code).toBe(4001)
    expect(r.ms).toBeLessThan(a.app.streamHub.options.revalidateMs + 1500)
  })
})
