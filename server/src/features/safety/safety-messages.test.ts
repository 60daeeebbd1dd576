// Blocks and the message setting where people reach each other directly: starting and writing
// conversations, the notification list, and the realtime stream (live and catching up). On both
// engines. Notification emails across a block: notifications/email-worker.test.ts.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { messages, userBlocks } from '../../db/schema.js'
import {
  createHarness,
  expectProblem,
  json,
  listen,
  register,
  sleep,
  type Harness,
  type Session,
  type TestApp,
} from '../../../test/helpers.js'
import { StreamClient, type ReceivedEvent } from '../../../test/stream-client.js'
import { api, countQueries } from '../posts/test-support.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>
let base: string

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
  base = await listen(t)
})
afterAll(async () => h.close())

const db = () => t.ctx.database.db

async function open(from: Session, to: Session) {
  const res = await a.post('/conversations', from, { userId: to.user.id })
  expect([200, 201], res.body).toContain(res.statusCode)
  return json<{ id: number }>(res)
}
const send = (from: Session, conversationId: number, content: string) =>
  a.post(`/conversations/${conversationId}/messages`, from, { content })
async function sent(from: Session, conversationId: number, content: string) {
  const res = await send(from, conversationId, content)
  expect(res.statusCode, res.body).toBe(201)
  return json<{ id: number }>(res)
}
async function sendFile(from: Session, conversationId: number) {
  const fd = new FormData()
  fd.append('file', new Blob(['plans']), 'plans.txt')
  const req = new Request('http://localhost/', { method: 'POST', body: fd })
  return t.app.inject({
    method: 'POST',
    url: `/api/hearth/v1/conversations/${conversationId}/messages`,
    payload: Buffer.from(await req.arrayBuffer()),
    headers: { 'content-type': req.headers.get('content-type')!, ...from.headers },
  })
}
const block = async (who: Session, target: Session) => expect((await a.put(`/users/${target.user.id}/block`, who)).statusCode).toBe(204)
const unblock = async (who: Session, target: Session) => expect((await a.del(`/users/${target.user.id}/block`, who)).statusCode).toBe(204)
const listed = async (who: Session, conversationId: number) =>
  (json(await a.get('/conversations', who)).items as { id: number }[]).find((c) => c.id === conversationId) as any
const messageRows = (conversationId: number) => db().select().from(messages).where(eq(messages.conversationId, conversationId))

/** Who an event comes from: a message's sender, a notification's actor, a typist, a reader. */
const actorOf = (e: ReceivedEvent): number | undefined =>
  e.data?.sender?.id ?? e.data?.notification?.actor?.id ?? (e.type === 'typing' ? e.data.userId : e.data?.readerId)

describe('starting a conversation', () => {
  it('across a block: 404 to the blocked side (as for a missing user), 403 `blocking` to the blocker', async () => {
    const [ana, ben] = await Promise.all([register(t.app), register(t.app)])
    await block(ana, ben)
    expectProblem(await a.post('/conversations', ben, { userId: ana.user.id }), 404, 'not_found')
    expectProblem(await a.post('/conversations', ana, { userId: ben.user.id }), 403, 'blocking')
    await unblock(ana, ben)
    expect((await a.post('/conversations', ben, { userId: ana.user.id })).statusCode).toBe(201)
  })

  it('with allowMessagesFrom "following": only people the account follows may start one', async () => {
    const [picky, stranger, friend] = await Promise.all([register(t.app), register(t.app), register(t.app)])
    expect(json(await a.patch('/users/me', picky, { allowMessagesFrom: 'following' }))).toMatchObject({ allowMessagesFrom: 'following' })
    const refused = expectProblem(await a.post('/conversations', stranger, { userId: picky.user.id }), 403, 'messages_not_allowed')
    expect(refused.detail).toMatch(/only from people they follow/)
    // following them is not enough: they must follow the caller
    await a.follow(stranger, picky.user.id)
    expectProblem(await a.post('/conversations', stranger, { userId: picky.user.id }), 403, 'messages_not_allowed')
    await a.follow(picky, friend.user.id)
    expect((await a.post('/conversations', friend, { userId: picky.user.id })).statusCode).toBe(201)
    // the owner may start conversations with anyone, and an existing one stays open to both
    const c = await open(picky, stranger)
    await sent(stranger, c.id, 'thanks for writing')
    expect((await a.post('/conversations', stranger, { userId: picky.user.id })).statusCode).toBe(200)
    expectProblem(await a.patch('/users/me', picky, { allowMessagesFrom: 'friends' }), 400, 'validation_failed')
  })
})

describe('a conversation across a block', () => {
  it('becomes read-only for both: history readable, nothing sent (text or file), reading still marks read', async () => {
    const [ana, ben] = await Promise.all([register(t.app), register(t.app)])
    const c = await open(ben, ana)
    await sent(ben, c.id, 'hello ana')
    await sent(ana, c.id, 'hello ben')
    await block(ana, ben)

    for (const [me, other] of [
      [ana, ben],
      [ben, ana],
    ] as const) {
      const history = json(await a.get(`/conversations/${c.id}/messages`, me)).items as { content: string }[]
      expect(history.map((m) => m.content)).toEqual(['hello ben', 'hello ana'])
      const refused = expectProblem(await send(me, c.id, 'still there?'), 403, 'conversation_read_only')
      expect(refused.detail).not.toMatch(/block/i) // the blocked side learns "not available", no more
      expectProblem(await sendFile(me, c.id), 403, 'conversation_read_only')
      expect(json(await a.post(`/conversations/${c.id}/read`, me))).toEqual({ markedRead: 1 })
      // kept in both lists, read-only, the other person shown by handle only
      expect(await listed(me, c.id)).toMatchObject({
        readOnly: true,
        otherUser: { id: other.user.id, username: other.user.username, displayName: null, avatarUrl: null },
        lastMessage: { content: 'hello ben' },
        unreadCount: 0,
      })
    }
    expect(await messageRows(c.id)).toHaveLength(2)
    // deleting one's own message still works
    const [mine] = json(await a.get(`/conversations/${c.id}/messages`, ana)).items as { id: number }[]
    expect((await a.del(`/messages/${mine!.id}`, ana)).statusCode).toBe(204)

    await unblock(ana, ben)
    expect(await listed(ben, c.id)).toMatchObject({ readOnly: false, otherUser: { id: ana.user.id } })
    await sent(ben, c.id, 'friends again')
  })

  it('refuses every send racing with a block, or orders it before: never a 5xx, never a send after it', async () => {
    const [ana, ben] = await Promise.all([register(t.app), register(t.app)])
    const c = await open(ben, ana)
    const [blocked, ...sends] = await Promise.all([
      a.put(`/users/${ben.user.id}/block`, ana),
      ...Array.from({ length: 8 }, (_, i) => send(ben, c.id, `race ${i}`)),
    ])
    expect(blocked.statusCode).toBe(204)
    for (const s of sends) expect([201, 403], s.body).toContain(s.statusCode)
    const accepted = sends.filter((s) => s.statusCode === 201).length
    expect(await messageRows(c.id)).toHaveLength(accepted)
    expectProblem(await send(ben, c.id, 'after'), 403, 'conversation_read_only')
    expect(await messageRows(c.id)).toHaveLength(accepted)
  })

  it('computes readOnly in the list’s own queries: as many statements for two conversations as for six', async () => {
    const me = await register(t.app)
    const others = await Promise.all(Array.from({ length: 6 }, () => register(t.app)))
    for (const o of others) await sent(o, (await open(o, me)).id, 'hi')
    await block(me, others[1]!)
    await block(others[3]!, me)
    await a.get('/conversations?limit=2', me) // warm the session cache
    const two = await countQueries(t, () => a.get('/conversations?limit=2', me))
    const six = await countQueries(t, () => a.get('/conversations?limit=6', me))
    expect(six.queries.length).toBe(two.queries.length)
    const items = json(six.result).items as { otherUser: { id: number }; readOnly: boolean }[]
    expect(items.filter((i) => i.readOnly).map((i) => i.otherUser.id)).toEqual([others[3]!.user.id, others[1]!.user.id])
  })
})

describe('notifications across a block', () => {
  it('the list and the unread count leave out anything from someone a block separates, even one that survived it', async () => {
    const [ana, ben, cat] = await Promise.all([register(t.app), register(t.app), register(t.app)])
    const post = await a.createPost(ana, 'ana writes')
    expect((await a.put(`/posts/${post.id}/like`, ben)).statusCode).toBe(200)
    expect((await a.put(`/posts/${post.id}/like`, cat)).statusCode).toBe(200)
    await a.follow(ben, ana.user.id)
    const actors = async () =>
      (json(await a.get('/notifications', ana)).items as { actor: { id: number } | null }[]).map((n) => n.actor?.id)
    expect((await actors()).filter((id) => id === ben.user.id)).toHaveLength(2)
    expect(json(await a.get('/notifications/unread-count', ana)).count).toBe(3)

    // A block row written without the block's clean-up (as one racing with a write could leave it):
    // the list filters at read time too, either way round.
    for (const [blocker, blocked] of [
      [ana, ben],
      [ben, ana],
    ] as const) {
      await db().insert(userBlocks).values({ blockerId: blocker.user.id, blockedId: blocked.user.id })
      expect(await actors()).toEqual([cat.user.id])
      expect(json(await a.get('/notifications?unread=true', ana)).items).toHaveLength(1)
      expect(json(await a.get('/notifications/unread-count', ana)).count).toBe(1)
      await db()
        .delete(userBlocks)
        .where(and(eq(userBlocks.blockerId, blocker.user.id), eq(userBlocks.blockedId, blocked.user.id)))
    }
    // a real block deletes them for good
    await block(ana, ben)
    await unblock(ana, ben)
    expect(await actors()).toEqual([cat.user.id])
    expect(json(await a.get('/notifications/unread-count', ana)).count).toBe(1)
  })
})

describe('the realtime stream across a block', () => {
  it('delivers nothing live from the other person once a block stands: no message, notification, typing or read receipt', async () => {
    const [ana, ben, cat] = await Promise.all([register(t.app), register(t.app), register(t.app)])
    const c = await open(ben, ana)
    const fromCat = await open(cat, ana)
    const post = await a.createPost(ana, 'ana writes')
    const [sa, sb] = await Promise.all([StreamClient.connect(base, ana.accessToken), StreamClient.connect(base, ben.accessToken)])
    // before: everything arrives
    sb.ws.send(JSON.stringify({ type: 'typing', conversationId: c.id }))
    await sa.next((e) => e.type === 'typing' && e.data.userId === ben.user.id)
    await sent(ben, c.id, 'before')
    await sa.next((e) => e.type === 'message.created' && e.data.sender.id === ben.user.id)
    await sb.next((e) => e.type === 'message.created') // his own copy

    await block(ana, ben)
    const mark = { ana: sa.events.length, ben: sb.events.length }
    await sleep(2100) // past the typing throttle
    expectProblem(await send(ben, c.id, 'after'), 403, 'conversation_read_only')
    expectProblem(await a.put(`/posts/${post.id}/like`, ben), 404, 'not_found')
    expectProblem(await a.put(`/users/${ana.user.id}/follow`, ben), 404, 'not_found')
    sb.ws.send(JSON.stringify({ type: 'typing', conversationId: c.id }))
    sa.ws.send(JSON.stringify({ type: 'typing', conversationId: c.id }))
    expect(json(await a.post(`/conversations/${c.id}/read`, ana))).toEqual({ markedRead: 1 })
    // ana's own devices still learn she read it; a third person still gets through to her
    await sa.next((e) => e.type === 'message.read' && e.data.conversationId === c.id)
    await sent(cat, fromCat.id, 'hello ana')
    await sa.next((e) => e.type === 'notification.created' && e.data.notification.actor.id === cat.user.id)
    await sleep(300)
    const anaGot = sa.events.slice(mark.ana)
    const benGot = sb.events.slice(mark.ben)
    expect(anaGot.filter((e) => actorOf(e) === ben.user.id)).toEqual([])
    expect(benGot.filter((e) => actorOf(e) === ana.user.id)).toEqual([])
    expect(benGot.filter((e) => e.type !== 'pong')).toEqual([])
    await Promise.all([sa.close(), sb.close()])
  })

  it('leaves out of a catch-up what the other person caused before the block, either way', async () => {
    const [ana, ben, cat] = await Promise.all([register(t.app), register(t.app), register(t.app)])
    const c = await open(ben, ana)
    const post = await a.createPost(ana, 'ana writes')
    await sent(cat, (await open(cat, ana)).id, 'cat was here first')
    expect((await a.put(`/posts/${post.id}/like`, ben)).statusCode).toBe(200)
    await sent(ben, c.id, 'ben to ana')
    await sent(ana, c.id, 'ana to ben')
    await sent(cat, (await open(cat, ana)).id, 'cat again')
    await block(ana, ben)

    // from the very start (since=0), and resuming from an event just after theirs (the late window)
    const anaFirst = await StreamClient.connect(base, ana.accessToken, { since: 0 })
    const catEvents = anaFirst.events.filter((e) => actorOf(e) === cat.user.id)
    expect(catEvents.map((e) => e.type)).toEqual(['message.created', 'notification.created', 'message.created', 'notification.created'])
    const resumeFrom = catEvents[2]!.id!
    const anaResumed = await StreamClient.connect(base, ana.accessToken, { since: resumeFrom })
    const benFirst = await StreamClient.connect(base, ben.accessToken, { since: 0 })
    for (const s of [anaFirst, anaResumed]) {
      expect(s.events.filter((e) => actorOf(e) === ben.user.id)).toEqual([])
      // her own copy of what she sent is still hers
      expect(s.events.some((e) => e.type === 'message.created' && e.data.sender.id === ana.user.id)).toBe(true)
    }
    expect(anaResumed.events.some((e) => actorOf(e) === cat.user.id)).toBe(true) // the late window replays cat's
    expect(benFirst.events.filter((e) => actorOf(e) === ana.user.id)).toEqual([])
    expect(benFirst.events.some((e) => e.type === 'message.created' && e.data.sender.id === ben.user.id)).toBe(true)
    await Promise.all([anaFirst.close(), anaResumed.close(), benFirst.close()])

    // the filter is the block as it stands when catching up: unblocked, their messages come again
    await unblock(ana, ben)
    const after = await StreamClient.connect(base, ana.accessToken, { since: 0 })
    expect(after.events.some((e) => e.type === 'message.created' && e.data.sender.id === ben.user.id)).toBe(true)
    await after.close()
  })
})
