// The realtime stream over a real WebSocket (the `ws` client against app.listen on a free port).
import { eq, sql, type SQL } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { streamEvents, users } from '../../db/schema.js'
import { queryRows } from '../../platform/db/rows.js'
import {
  createHarness,
  expectProblem,
  json,
  listen,
  login,
  register,
  sleep,
  type Harness,
  type Session,
  type TestApp,
} from '../../../test/helpers.js'
import { StreamClient, StreamRefused } from '../../../test/stream-client.js'
import { TokenService } from '../auth/index.js'
import { userChannel } from './events.js'
import { startStreamPruning } from './prune-job.js'

let h: Harness
let t: TestApp
let base: string

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  base = await listen(t)
})
afterAll(async () => h.close())

const post = (url: string, who: Session, payload?: unknown) =>
  t.app.inject({ method: 'POST', url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as object }) })

async function pair() {
  const [a, b] = await Promise.all([register(t.app), register(t.app)])
  const conv = json(await post('/api/hearth/v1/conversations', a, { userId: b.user.id }))
  return { a, b, conv }
}
async function send(from: Session, conversationId: number, content: string) {
  const res = await post(`/api/hearth/v1/conversations/${conversationId}/messages`, from, { content })
  expect(res.statusCode, res.body).toBe(201)
  return json(res)
}
async function refusal(p: Promise<unknown>): Promise<number> {
  try {
    await p
  } catch (e) {
    if (e instanceof StreamRefused) return e.status
    throw e
  }
  throw new Error('the stream was accepted')
}
/** Milliseconds until the stream closes, and how. */
async function timeToClose(c: StreamClient, start: number, limitMs = 3000) {
  const closed = await Promise.race([c.closed, sleep(limitMs).then(() => null)])
  return { ms: Date.now() - start, closed }
}

describe('connecting', () => {
  it('authenticates with ?access_token= or with the bearer subprotocol, and says it is ready', async () => {
    const u = await register(t.app)
    const viaQuery = await StreamClient.connect(base, u.accessToken)
    expect(viaQuery.events[0]).toEqual({ type: 'stream.ready', data: { lastEventId: 0, complete: true } })
    const viaProtocol = await StreamClient.connect(base, u.accessToken, { viaProtocol: true })
    expect(viaProtocol.ws.protocol).toBe('hearth.v1') // the token-carrying protocol is never echoed
    await Promise.all([viaQuery.close(), viaProtocol.close()])
  })

  it('refuses missing, bad and revoked tokens, foreign origins, and plain HTTP', async () => {
    const u = await register(t.app)
    expect(await refusal(StreamClient.connect(base, undefined))).toBe(401)
    expect(await refusal(StreamClient.connect(base, 'not.a.jwt'))).toBe(401)
    expect(await refusal(StreamClient.connect(base, u.accessToken, { origin: 'https://evil.example' }))).toBe(403)
    expect(await refusal(StreamClient.connect(base, u.accessToken, { origin: 'http://localhost:3000.evil.example' }))).toBe(403)
    const sameSite = await StreamClient.connect(base, u.accessToken, { origin: 'http://localhost:3000' })
    await sameSite.close()
    const gone = await login(t.app, u.user.username, u.password)
    expect((await post('/api/hearth/v1/auth/logout', gone)).statusCode).toBe(204)
    expect(await refusal(StreamClient.connect(base, gone.accessToken))).toBe(401)
    expectProblem(await t.app.inject({ url: `/api/hearth/v1/stream?access_token=${u.accessToken}` }), 426, 'upgrade_required')
    expect(await refusal(StreamClient.connect(base, u.accessToken, { since: -1 }))).toBe(400)
  })
})

describe('events', () => {
  it('pushes message.created to both participants and notification.created to the receiver', async () => {
    const { a, b, conv } = await pair()
    const eve = await register(t.app)
    const [sa, sb, se] = (await Promise.all([a, b, eve].map((u) => StreamClient.connect(base, u.accessToken)))) as [
      StreamClient,
      StreamClient,
      StreamClient,
    ]
    const m = await send(a, conv.id, 'hi over the stream')
    const got = await sb.next((e) => e.type === 'message.created')
    expect(got.id).toEqual(expect.any(Number))
    expect(got.data.message).toMatchObject({ id: m.id, content: 'hi over the stream', senderId: a.user.id })
    expect(got.data.sender).toMatchObject({ id: a.user.id, username: a.user.username })
    const note = await sb.next((e) => e.type === 'notification.created')
    expect(note.data.notification).toMatchObject({
      type: 'message',
      message: `${a.user.username} sent you a message`,
      actor: { id: a.user.id },
      isRead: false,
    })
    expect((await sa.next((e) => e.type === 'message.created')).data.message.id).toBe(m.id)
    // read receipts reach the sender; deletion reaches both
    await post(`/api/hearth/v1/conversations/${conv.id}/read`, b)
    expect((await sa.next((e) => e.type === 'message.read')).data).toMatchObject({
      conversationId: conv.id,
      readerId: b.user.id,
      messageIds: [m.id],
    })
    await t.app.inject({ method: 'DELETE', url: `/api/hearth/v1/messages/${m.id}`, headers: a.headers })
    for (const s of [sa, sb])
      expect((await s.next((e) => e.type === 'message.deleted')).data).toEqual({ conversationId: conv.id, messageId: m.id })
    // nobody else hears any of it
    await sleep(100)
    expect(se.events.map((e) => e.type)).toEqual(['stream.ready'])
    await Promise.all([sa, sb, se].map((s) => s.close()))
  })

  it('pushes notification.read to the user’s other devices', async () => {
    const { a, b, conv } = await pair()
    await send(a, conv.id, 'ping')
    const phone = await StreamClient.connect(base, (await login(t.app, b.user.username, b.password)).accessToken)
    expect(json(await post('/api/hearth/v1/notifications/read-all', b))).toEqual({ markedRead: 1 })
    expect((await phone.next((e) => e.type === 'notification.read')).data).toMatchObject({ all: true })
    await phone.close()
  })
})

describe('typing indicators', () => {
  it('relays typing to the other participant only, throttled, never stored', async () => {
    const { a, b, conv } = await pair()
    const eve = await register(t.app)
    const [sa, sb, se] = (await Promise.all([a, b, eve].map((u) => StreamClient.connect(base, u.accessToken)))) as [
      StreamClient,
      StreamClient,
      StreamClient,
    ]
    sa.ws.send(JSON.stringify({ type: 'typing', conversationId: conv.id }))
    sa.ws.send(JSON.stringify({ type: 'typing', conversationId: conv.id })) // within the throttle: dropped
    expect(await sb.next((e) => e.type === 'typing')).toEqual({ type: 'typing', data: { conversationId: conv.id, userId: a.user.id } })
    // a third user cannot type into it; nonsense is ignored
    se.ws.send(JSON.stringify({ type: 'typing', conversationId: conv.id }))
    se.ws.send('not json')
    se.ws.send(JSON.stringify({ type: 'typing', conversationId: 'x' }))
    await sleep(300)
    expect(sb.ofType('typing')).toHaveLength(1)
    expect(sa.ofType('typing')).toHaveLength(0)
    expect(se.ws.readyState).toBe(se.ws.OPEN)
    // an application-level ping is answered
    se.ws.send(JSON.stringify({ type: 'ping' }))
    await se.next((e) => e.type === 'pong')
    await Promise.all([sa, sb, se].map((s) => s.close()))
  })
})

describe('reconnecting', () => {
  it('replays a send exactly as it was pushed live: message, attachment and notification, to both participants', async () => {
    const { a, b, conv } = await pair()
    const [la, lb] = (await Promise.all([a, b].map((u) => StreamClient.connect(base, u.accessToken)))) as [StreamClient, StreamClient]
    const since = { a: la.lastEventId, b: lb.lastEventId }
    await send(a, conv.id, 'text, stored and pushed')
    const fd = new FormData()
    fd.append('content', 'with a file')
    fd.append('file', new Blob(['plain bytes'], { type: 'text/plain' }), 'notes.txt')
    const req = new Request('http://localhost/', { method: 'POST', body: fd })
    const upload = await t.app.inject({
      method: 'POST',
      url: `/api/hearth/v1/conversations/${conv.id}/messages`,
      payload: Buffer.from(await req.arrayBuffer()),
      headers: { 'content-type': req.headers.get('content-type')!, ...a.headers },
    })
    expect(upload.statusCode, upload.body).toBe(201)
    const fileId = json(upload).id
    const stored = (c: StreamClient) => c.events.filter((e) => e.id !== undefined)
    // live: the sender gets both message.created, the receiver those and both notifications
    while (stored(la).length < 2 || stored(lb).length < 4) await sleep(10)
    const [ra, rb] = await Promise.all([
      StreamClient.connect(base, a.accessToken, { since: since.a }),
      StreamClient.connect(base, b.accessToken, { since: since.b }),
    ])
    for (const [live, replay] of [
      [la, ra],
      [lb, rb],
    ] as const) {
      expect(stored(replay)).toEqual(stored(live))
    }
    expect(stored(rb).map((e) => e.type)).toEqual(['message.created', 'notification.created', 'message.created', 'notification.created'])
    expect(stored(rb)[2]!.data.message).toMatchObject({
      id: fileId,
      type: 'file',
      attachment: { name: 'notes.txt', url: expect.stringContaining(`u=${b.user.id}`) },
    })
    expect(stored(ra)[1]!.data.message.attachment.url).toContain(`u=${a.user.id}`)
    await Promise.all([la, lb, ra, rb].map((c) => c.close()))
  })

  it('sends what was missed since the last event id, in order, then goes live', async () => {
    const { a, b, conv } = await pair()
    let s = await StreamClient.connect(base, b.accessToken)
    await send(a, conv.id, 'seen live')
    await Promise.all([s.next((e) => e.type === 'message.created'), s.next((e) => e.type === 'notification.created')])
    const last = s.lastEventId
    const seenBefore = s.events.filter((e) => e.id !== undefined).map((e) => e.id!)
    await s.close()

    const missed = [await send(a, conv.id, 'missed 1'), await send(a, conv.id, 'missed 2'), await send(a, conv.id, 'deleted later')]
    await t.app.inject({ method: 'DELETE', url: `/api/hearth/v1/messages/${missed[2].id}`, headers: a.headers })

    s = await StreamClient.connect(base, b.accessToken, { since: last })
    const ids = s.events.filter((e) => e.id !== undefined).map((e) => e.id!)
    expect(ids).toEqual([...ids].sort((x, y) => x - y))
    // Events written just before `since` come again (one may have committed after it); here they
    // are ones this client already had, which it drops by id.
    expect(ids.filter((id) => id <= last).every((id) => seenBefore.includes(id))).toBe(true)
    const fresh = s.events.filter((e) => e.id !== undefined && e.id > last)
    const created = fresh.filter((e) => e.type === 'message.created').map((e) => e.data.message)
    expect(created.map((m) => m.id)).toEqual(missed.map((m) => m.id))
    expect(created.map((m) => m.content)).toEqual(['missed 1', 'missed 2', null]) // deleted: no content, even in replay
    expect(fresh.filter((e) => e.type === 'notification.created')).toHaveLength(3)
    expect(fresh.filter((e) => e.type === 'message.deleted')).toHaveLength(1)
    expect(s.events.at(-1)).toEqual({ type: 'stream.ready', data: { lastEventId: Math.max(...ids), complete: true } })
    // live again
    const live = await send(a, conv.id, 'live again')
    expect((await s.next((e) => e.type === 'message.created' && e.data.message.id === live.id)).id).toBeGreaterThan(Math.max(...ids))
    await s.close()
  })

  it('resends an event that committed after the one a client resumes from, but not older history', async () => {
    const { a, b, conv } = await pair()
    const db = t.ctx.database.db
    const exec = (q: SQL) => queryRows<Record<string, unknown>>(db, q)
    await send(a, conv.id, 'old history')
    // Old history: written long before what the client saw last.
    await exec(sql`UPDATE stream_events SET created_at = now() - interval '1 hour' WHERE user_id = ${b.user.id}`)
    // A transaction draws its event id, then commits only after a later event was delivered:
    // reserve the id now, insert the row with it after the client has gone.
    const [reserved] = await exec(sql`SELECT nextval(pg_get_serial_sequence('stream_events', 'id')) AS id`)
    const lateId = Number(reserved!.id)
    let s = await StreamClient.connect(base, b.accessToken)
    await send(a, conv.id, 'delivered first')
    await Promise.all([s.next((e) => e.type === 'message.created'), s.next((e) => e.type === 'notification.created')])
    const last = s.lastEventId
    expect(lateId).toBeLessThan(last)
    await s.close()
    await exec(
      sql`INSERT INTO stream_events (id, user_id, type, data) VALUES (${lateId}, ${b.user.id}, 'notification.read', ${JSON.stringify({ all: true })}::jsonb)`,
    )

    s = await StreamClient.connect(base, b.accessToken, { since: last })
    const replayed = s.events.filter((e) => e.id !== undefined)
    expect(replayed.map((e) => e.id)).toContain(lateId)
    expect(replayed.find((e) => e.id === lateId)).toMatchObject({ type: 'notification.read', data: { all: true } })
    // the hour-old history is not sent again
    expect(replayed.filter((e) => e.type === 'message.created').map((e) => e.data.message.content)).not.toContain('old history')
    expect(s.events.at(-1)).toEqual({ type: 'stream.ready', data: { lastEventId: last, complete: true } })
    await s.close()
  })

  it('catches up with events committed while the catch-up itself is running, once each', async () => {
    const { a, b, conv } = await pair()
    for (let i = 0; i < 5; i++) await send(a, conv.id, `before ${i}`)
    const during = Promise.all(Array.from({ length: 5 }, (_, i) => send(a, conv.id, `during ${i}`)))
    const s = await StreamClient.connect(base, b.accessToken, { since: 0 })
    await during
    await s.next((e) => e.type === 'message.created' && e.data.message.content === 'during 4')
    await sleep(100)
    const ids = s.events.filter((e) => e.id !== undefined).map((e) => e.id!)
    expect(new Set(ids).size).toBe(ids.length)
    expect(s.ofType('message.created')).toHaveLength(10)
    await s.close()
  })
})

describe('retention', () => {
  it('prunes old events; resuming from a pruned one says the catch-up is incomplete', async () => {
    const { a, b, conv } = await pair()
    const s = await StreamClient.connect(base, b.accessToken)
    await send(a, conv.id, 'old news')
    await s.next((e) => e.type === 'notification.created')
    const last = s.lastEventId
    await s.close()
    await send(a, conv.id, 'recent')
    const db = t.ctx.database.db
    await db
      .update(streamEvents)
      .set({ createdAt: sql`now() - interval '8 days'` })
      .where(sql`${streamEvents.id} <= ${last}`)
    const job = startStreamPruning(t.ctx, { batch: 2 })
    try {
      expect(await job.runOnce()).toBeGreaterThanOrEqual(3)
    } finally {
      await job.stop()
    }
    expect(
      await db
        .select()
        .from(streamEvents)
        .where(sql`${streamEvents.id} <= ${last}`),
    ).toEqual([])
    const again = await StreamClient.connect(base, b.accessToken, { since: last })
    expect(again.ofType('message.created').map((e) => e.data.message.content)).toEqual(['recent'])
    expect(again.events.at(-1)!.data.complete).toBe(false)
    await again.close()
  })
})

describe('closing', () => {
  it('closes the stream within a second of logout, revocation by another device, or blocking', async () => {
    const u = await register(t.app)
    const s1 = await StreamClient.connect(base, u.accessToken)
    let start = Date.now()
    expect((await post('/api/hearth/v1/auth/logout', u)).statusCode).toBe(204)
    let r = await timeToClose(s1, start)
    expect(r.closed?.code).toBe(4001)
    expect(r.ms).toBeLessThan(1000)

    const laptop = await login(t.app, u.user.username, u.password)
    const phone = await login(t.app, u.user.username, u.password)
    const s2 = await StreamClient.connect(base, phone.accessToken)
    start = Date.now()
    expect((await t.app.inject({ method: 'DELETE', url: '/api/hearth/v1/auth/sessions', headers: laptop.headers })).statusCode).toBe(200)
    r = await timeToClose(s2, start)
    expect(r.closed?.code).toBe(4001)
    expect(r.ms).toBeLessThan(1000)

    const s3 = await StreamClient.connect(base, laptop.accessToken)
    start = Date.now()
    await t.ctx.database.db.update(users).set({ isBlocked: true }).where(eq(users.id, u.user.id))
    await t.services.auth.revokeAllSessions(u.user.id, 'blocked')
    r = await timeToClose(s3, start)
    expect(r.closed?.code).toBe(4001)
    expect(r.ms).toBeLessThan(1000)
  })

  it('also closes when the announcement is lost, at the next re-validation of its session', async () => {
    const u = await register(t.app)
    const s = await StreamClient.connect(base, u.accessToken)
    const start = Date.now()
    // As if the announcement on the bus were lost: the session ends in the cache alone.
    const [session] = await t.ctx.database.db.query.userSessions.findMany({ where: (x, { eq }) => eq(x.userId, u.user.id) })
    await t.services.sessions.revoke([session!.sessionToken])
    const r = await timeToClose(s, start, 6000)
    expect(r.closed?.code).toBe(4001)
    expect(r.ms).toBeLessThan(t.app.streamHub.options.revalidateMs + 1000)
  })

  it('closes at the expiry of the access token it was opened with, and a fresh token resumes it', async () => {
    const u = await register(t.app)
    const claims = await t.services.tokens.verify(u.accessToken)
    if (typeof claims === 'string') throw new Error(`token refused: ${claims}`)
    // The same session, with a token that expires in about a second and a half.
    const shortLived = await new TokenService(t.ctx.config.jwtSecret, 2, t.ctx.config.publicUrl).sign(claims)
    const s = await StreamClient.connect(base, shortLived)
    const r = await timeToClose(s, Date.now(), 4000)
    expect(r.closed).toEqual({ code: 4003, reason: 'token_expired' })
    // what a client does next: a fresh token, resuming where it was
    const again = await StreamClient.connect(base, u.accessToken, { since: 0 })
    expect(again.events.at(-1)).toMatchObject({ type: 'stream.ready' })
    await again.close()
  })

  it('drops a client that stops answering pings', async () => {
    const u = await register(t.app)
    const dead = await StreamClient.connect(base, u.accessToken, { noPong: true })
    const alive = await StreamClient.connect(base, u.accessToken)
    const before = t.app.streamHub.stats().droppedDead
    t.app.streamHub.heartbeat() // ping
    await sleep(200)
    t.app.streamHub.heartbeat() // no pong since: gone
    const r = await timeToClose(dead, Date.now())
    expect(r.closed?.code).toBe(1006) // cut off, no close handshake
    expect(t.app.streamHub.stats().droppedDead).toBe(before + 1)
    expect(alive.ws.readyState).toBe(alive.ws.OPEN)
    await alive.close()
  })

  it('drops a client that does not read, instead of buffering without bound', async () => {
    const u = await register(t.app)
    const slow = await StreamClient.connect(base, u.accessToken)
    const fast = await StreamClient.connect(base, u.accessToken)
    const before = t.app.streamHub.stats().droppedSlow
    ;(slow.ws as unknown as { _socket: { pause(): void } })._socket.pause() // stops reading: the kernel buffers fill up
    const big = 'x'.repeat(256 * 1024)
    for (let i = 0; i < 200 && t.app.streamHub.stats().droppedSlow === before; i++) {
      await t.ctx.bus.publish(userChannel(u.user.id), {
        userId: u.user.id,
        event: { id: 1_000_000 + i, type: 'message.created', data: { filler: big } },
      })
      await sleep(5)
    }
    expect(t.app.streamHub.stats().droppedSlow).toBe(before + 1)
    expect(fast.ws.readyState).toBe(fast.ws.OPEN) // the reader keeps its stream
    ;(slow.ws as unknown as { _socket: { resume(): void } })._socket.resume()
    expect((await timeToClose(slow, Date.now())).closed).not.toBeNull()
    await fast.close()
  })
})

// @fastify/websocket hides WebSocket routes, so the path is added by hand (streamOpenApiPath) and
// must describe what the route really does.
describe('the stream in the OpenAPI document', () => {
  it('is published with its authentication, events and refusals, and they match the route', async () => {
    const doc = json(await t.app.inject({ url: '/api/openapi.json' }))
    const op = doc.paths['/api/hearth/v1/stream'].get
    expect(Object.keys(op.responses).sort()).toEqual(['101', '400', '401', '403', '426'])
    for (const event of ['message.created', 'message.read', 'message.deleted', 'notification.created', 'stream.ready']) {
      expect(op.description).toContain(event)
    }
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['access_token', 'since']))
    expect(doc.components.schemas.Problem).toBeDefined()
    // every other route is still there
    expect(doc.paths['/api/hearth/v1/feed'].get).toBeDefined()

    // the documented refusals are what the route answers
    expectProblem(await t.app.inject({ url: '/api/hearth/v1/stream' }), 426, 'upgrade_required')
    const refused = await StreamClient.connect(base, undefined).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(StreamRefused)
    expect((refused as StreamRefused).status).toBe(401)
    const u = await register(t.app)
    const client = await StreamClient.connect(base, u.accessToken, { since: 0 })
    expect((await client.next((e) => e.type === 'stream.ready')).data).toMatchObject({ complete: true })
    await client.close()
  })
})
