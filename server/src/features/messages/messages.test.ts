// Direct messages over HTTP: one conversation per pair, history, read receipts, soft delete,
// private attachments, and every route tried by a third user and by an anonymous client.
import { and, eq, or, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conversations, messages, notifications, streamEvents, users } from '../../db/schema.js'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { jpeg } from '../media/test-images.js'

let h: Harness
let t: TestApp
let alice: Session
let bob: Session
let eve: Session

const MAX_FILE = 64 * 1024

beforeAll(async () => {
  h = await createHarness()
  t = await h.start({ MESSAGE_MAX_FILE_BYTES: String(MAX_FILE) })
  ;[alice, bob, eve] = await Promise.all([register(t.app), register(t.app), register(t.app)])
})
afterAll(async () => h.close())

const db = () => t.ctx.database.db
const call = (method: 'GET' | 'POST' | 'DELETE', url: string, who?: Session, payload?: unknown) =>
  t.app.inject({ method, url, headers: who?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as object }) })

/** A multipart body as a browser's FormData sends it. */
async function uploadForm(parts: { name: string; filename?: string; type?: string; data: Buffer | string }[]) {
  const fd = new FormData()
  for (const p of parts) {
    if (p.filename === undefined) fd.append(p.name, String(p.data))
    else fd.append(p.name, new Blob([typeof p.data === 'string' ? p.data : new Uint8Array(p.data)], { type: p.type }), p.filename)
  }
  const req = new Request('http://localhost/', { method: 'POST', body: fd })
  return { payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type')! } }
}

async function openConversation(a: Session, b: Session) {
  const res = await call('POST', '/api/hearth/v1/conversations', a, { userId: b.user.id })
  expect([200, 201]).toContain(res.statusCode)
  return json(res)
}
async function send(from: Session, conversationId: number, content: string) {
  const res = await call('POST', `/api/hearth/v1/conversations/${conversationId}/messages`, from, { content })
  expect(res.statusCode, res.body).toBe(201)
  return json(res)
}
async function sendFile(from: Session, conversationId: number, file: { filename: string; type: string; data: Buffer }, content?: string) {
  const form = await uploadForm([...(content === undefined ? [] : [{ name: 'content', data: content }]), { name: 'file', ...file }])
  return t.app.inject({
    method: 'POST',
    url: `/api/hearth/v1/conversations/${conversationId}/messages`,
    payload: form.payload,
    headers: { ...form.headers, ...from.headers },
  })
}

describe('conversations', () => {
  it('creates one conversation per pair: 201 first, 200 after, from either side', async () => {
    const [x, y] = await Promise.all([register(t.app), register(t.app)])
    const first = await call('POST', '/api/hearth/v1/conversations', x, { userId: y.user.id })
    expect(first.statusCode).toBe(201)
    const c = json(first)
    expect(c).toMatchObject({ otherUser: { id: y.user.id, username: y.user.username }, lastMessage: null, unreadCount: 0 })
    const again = await call('POST', '/api/hearth/v1/conversations', x, { userId: y.user.id })
    expect(again.statusCode).toBe(200)
    const reverse = await call('POST', '/api/hearth/v1/conversations', y, { userId: x.user.id })
    expect(reverse.statusCode).toBe(200)
    expect(json(again).id).toBe(c.id)
    expect(json(reverse)).toMatchObject({ id: c.id, otherUser: { id: x.user.id } })
  })

  it('leaves one row when both users open it at the same instant', async () => {
    for (let round = 0; round < 5; round++) {
      const [x, y] = await Promise.all([register(t.app), register(t.app)])
      const results = await Promise.all([
        call('POST', '/api/hearth/v1/conversations', x, { userId: y.user.id }),
        call('POST', '/api/hearth/v1/conversations', y, { userId: x.user.id }),
        call('POST', '/api/hearth/v1/conversations', x, { userId: y.user.id }),
        call('POST', '/api/hearth/v1/conversations', y, { userId: x.user.id }),
      ])
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 201])
      expect(new Set(results.map((r) => json(r).id)).size).toBe(1)
      const rows = await db()
        .select()
        .from(conversations)
        .where(
          or(
            and(eq(conversations.user1Id, x.user.id), eq(conversations.user2Id, y.user.id)),
            and(eq(conversations.user1Id, y.user.id), eq(conversations.user2Id, x.user.id)),
          ),
        )
      expect(rows).toHaveLength(1)
      expect(rows[0]!.user1Id).toBe(Math.min(x.user.id, y.user.id))
    }
  })

  it('refuses yourself, unknown users, blocked users and anonymous callers', async () => {
    expectProblem(await call('POST', '/api/hearth/v1/conversations', alice, { userId: alice.user.id }), 400, 'cannot_message_self')
    expectProblem(await call('POST', '/api/hearth/v1/conversations', alice, { userId: 2_000_000_000 }), 404, 'not_found')
    expectProblem(await call('POST', '/api/hearth/v1/conversations', alice, { userId: 'x' }), 400, 'validation_failed')
    expectProblem(await call('POST', '/api/hearth/v1/conversations', alice, { userId: bob.user.id, extra: 1 }), 400, 'validation_failed')
    expectProblem(await call('POST', '/api/hearth/v1/conversations', undefined, { userId: bob.user.id }), 401)
    const blocked = await register(t.app)
    await db().update(users).set({ isBlocked: true }).where(eq(users.id, blocked.user.id))
    expectProblem(await call('POST', '/api/hearth/v1/conversations', alice, { userId: blocked.user.id }), 404, 'not_found')
  })

  it('lists by latest activity with the other user, the last message and an unread count, page by page', async () => {
    const me = await register(t.app)
    const others = await Promise.all([register(t.app), register(t.app), register(t.app)])
    const convs = []
    for (const o of others) convs.push(await openConversation(o, me))
    await send(others[0], convs[0].id, 'first')
    await send(others[1], convs[1].id, 'second')
    await send(others[0], convs[0].id, 'third, newest')
    await send(me, convs[0].id, 'my reply') // mine: not unread for me

    const page1 = json(await call('GET', '/api/hearth/v1/conversations?limit=2', me))
    expect(page1.items.map((c: { id: number }) => c.id)).toEqual([convs[0].id, convs[1].id])
    expect(page1.items[0]).toMatchObject({
      otherUser: { id: others[0].user.id },
      lastMessage: { content: 'my reply', senderId: me.user.id },
      unreadCount: 2,
    })
    expect(page1.items[1]).toMatchObject({ lastMessage: { content: 'second' }, unreadCount: 1 })
    expect(page1.nextCursor).toEqual(expect.any(String))
    const page2 = json(await call('GET', `/api/hearth/v1/conversations?limit=2&cursor=${page1.nextCursor}`, me))
    // the conversation without messages yet sorts by when it was opened
    expect(page2.items.map((c: { id: number }) => c.id)).toEqual([convs[2].id])
    expect(page2.items[0]).toMatchObject({ lastMessage: null, lastMessageAt: null, unreadCount: 0 })
    expect(page2.nextCursor).toBeNull()
    expectProblem(await call('GET', '/api/hearth/v1/conversations?cursor=bm9wZQ', me), 400, 'invalid_cursor')
  })
})

describe('messages', () => {
  let conv: { id: number }
  beforeAll(async () => {
    conv = await openConversation(alice, bob)
  })

  it('sends text; the message, the conversation’s last message and the notification commit together', async () => {
    const m = await send(alice, conv.id, '  hello bob  ')
    expect(m).toMatchObject({
      conversationId: conv.id,
      senderId: alice.user.id,
      receiverId: bob.user.id,
      type: 'text',
      content: 'hello bob',
      attachment: null,
      isRead: false,
      isDeleted: false,
    })
    const [c] = await db().select().from(conversations).where(eq(conversations.id, conv.id))
    expect(c!.lastMessageId).toBe(m.id)
    const notes = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, bob.user.id), eq(notifications.type, 'message')))
    expect(notes.at(-1)).toMatchObject({
      relatedUserId: alice.user.id,
      message: `${alice.user.username} sent you a message`,
      isRead: false,
    })
    const events = await db().select().from(streamEvents).where(eq(streamEvents.type, 'message.created'))
    expect(
      events
        .filter((e) => (e.data as { message: { id: number } }).message.id === m.id)
        .map((e) => e.userId)
        .sort(),
    ).toEqual([alice.user.id, bob.user.id].sort())
  })

  it('refuses empty, oversized and malformed messages', async () => {
    expectProblem(
      await call('POST', `/api/hearth/v1/conversations/${conv.id}/messages`, alice, { content: '   ' }),
      400,
      'validation_failed',
    )
    expectProblem(await call('POST', `/api/hearth/v1/conversations/${conv.id}/messages`, alice, { content: '' }), 400, 'validation_failed')
    expectProblem(
      await call('POST', `/api/hearth/v1/conversations/${conv.id}/messages`, alice, { content: 'x'.repeat(5001) }),
      400,
      'validation_failed',
    )
    expectProblem(
      await call('POST', `/api/hearth/v1/conversations/${conv.id}/messages`, alice, { content: 'hi', isRead: true }),
      400,
      'validation_failed',
    )
    expectProblem(await call('POST', `/api/hearth/v1/conversations/${conv.id}/messages`, alice, []), 400)
    expectProblem(await sendFile(alice, conv.id, { filename: 'a.txt', type: 'text/plain', data: Buffer.from('') }), 400)
  })

  it('pages history newest first without skipping or repeating', async () => {
    const c = await openConversation(await register(t.app), bob)
    const sent = []
    for (let i = 0; i < 7; i++) sent.push((await send(bob, c.id, `m${i}`)).id)
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page: { items: { id: number }[]; nextCursor: string | null } = json(
        await call('GET', `/api/hearth/v1/conversations/${c.id}/messages?limit=3${cursor ? `&cursor=${cursor}` : ''}`, bob),
      )
      seen.push(...page.items.map((m) => m.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual([...sent].reverse())
  })

  it('marks received messages read, clears the unread count and the message notifications', async () => {
    const [x, y] = await Promise.all([register(t.app), register(t.app)])
    const c = await openConversation(x, y)
    await send(x, c.id, 'one')
    await send(x, c.id, 'two')
    await send(y, c.id, 'from y')
    expect(json(await call('GET', '/api/hearth/v1/conversations', y)).items[0].unreadCount).toBe(2)
    expect(json(await call('GET', '/api/hearth/v1/notifications/unread-count', y)).count).toBe(2)
    // x reading does not touch what y has not read
    expect(json(await call('POST', `/api/hearth/v1/conversations/${c.id}/read`, x))).toEqual({ markedRead: 1 })
    expect(json(await call('POST', `/api/hearth/v1/conversations/${c.id}/read`, y))).toEqual({ markedRead: 2 })
    expect(json(await call('POST', `/api/hearth/v1/conversations/${c.id}/read`, y))).toEqual({ markedRead: 0 })
    expect(json(await call('GET', '/api/hearth/v1/conversations', y)).items[0].unreadCount).toBe(0)
    expect(json(await call('GET', '/api/hearth/v1/notifications/unread-count', y)).count).toBe(0)
    const history = json(await call('GET', `/api/hearth/v1/conversations/${c.id}/messages`, x)).items
    expect(history.map((m: { isRead: boolean }) => m.isRead)).toEqual([true, true, true])
  })

  it('lets only the sender delete; a placeholder remains without content, everywhere', async () => {
    const [x, y] = await Promise.all([register(t.app), register(t.app)])
    const c = await openConversation(x, y)
    const m = await send(x, c.id, 'regrettable')
    expectProblem(await call('DELETE', `/api/hearth/v1/messages/${m.id}`, y), 403, 'not_sender')
    expect((await call('DELETE', `/api/hearth/v1/messages/${m.id}`, x)).statusCode).toBe(204)
    expect((await call('DELETE', `/api/hearth/v1/messages/${m.id}`, x)).statusCode).toBe(204) // idempotent
    for (const who of [x, y]) {
      const [item] = json(await call('GET', `/api/hearth/v1/conversations/${c.id}/messages`, who)).items
      expect(item).toMatchObject({ id: m.id, isDeleted: true, content: null, attachment: null })
      const listed = json(await call('GET', '/api/hearth/v1/conversations', who)).items.find((i: { id: number }) => i.id === c.id)
      expect(listed.lastMessage).toMatchObject({ id: m.id, isDeleted: true, content: null })
      expect(listed.unreadCount).toBe(0)
    }
    const [row] = await db().select().from(messages).where(eq(messages.id, m.id))
    expect(row!.content).toBe('') // forgotten, not just hidden
    // the recorded stream events no longer carry it either
    const events = await db()
      .select()
      .from(streamEvents)
      .where(sql`${streamEvents.data} -> 'message' ->> 'id' = ${String(m.id)}`)
    expect(events.length).toBeGreaterThan(0)
    for (const e of events) expect(JSON.stringify(e.data)).not.toContain('regrettable')
  })
})

describe('attachments', () => {
  let conv: { id: number }
  beforeAll(async () => {
    conv = await openConversation(alice, bob)
  })

  it('sends an image through the photo pipeline, with its dimensions', async () => {
    const res = await sendFile(alice, conv.id, { filename: 'cat.jpg', type: 'image/jpeg', data: await jpeg(300, 200) }, 'look')
    expect(res.statusCode, res.body).toBe(201)
    const m = json(res)
    expect(m).toMatchObject({
      type: 'image',
      content: 'look',
      attachment: { mimeType: 'image/webp', width: 300, height: 200, name: 'cat.jpg' },
    })
    const img = await t.app.inject({ url: new URL(m.attachment.url).pathname + new URL(m.attachment.url).search })
    expect(img.statusCode).toBe(200)
    expect(img.headers['content-type']).toBe('image/webp')
  })

  it('keeps any other file as sent, with its name, size and sniffed type', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')])
    const res = await sendFile(bob, conv.id, { filename: 'report.pdf', type: 'application/x-whatever', data: pdf })
    expect(res.statusCode, res.body).toBe(201)
    const m = json(res)
    expect(m).toMatchObject({
      type: 'file',
      content: '',
      attachment: { name: 'report.pdf', size: pdf.length, mimeType: 'application/pdf' },
    })
    // the bare path with a participant's token works too
    const got = await t.app.inject({ url: `/api/hearth/v1/messages/${m.id}/attachment`, headers: alice.headers })
    expect(got.statusCode).toBe(200)
    expect(got.rawPayload.equals(pdf)).toBe(true)
    expect(got.headers['content-disposition']).toMatch(/^attachment;/)
  })

  it('refuses a file over the limit with 413', async () => {
    const res = await sendFile(alice, conv.id, {
      filename: 'big.bin',
      type: 'application/octet-stream',
      data: Buffer.alloc(MAX_FILE + 1, 1),
    })
    expectProblem(res, 413, 'payload_too_large')
  })

  it('serves attachments to the two participants only; links cannot be forged or reused by others', async () => {
    const m = json(await sendFile(alice, conv.id, { filename: 'notes.txt', type: 'text/plain', data: Buffer.from('secret plans') }))
    const signed = new URL(m.attachment.url)
    const path = signed.pathname
    expect(path).toBe(`/api/hearth/v1/messages/${m.id}/attachment`)
    expect(signed.searchParams.get('sig')).toMatch(/^[\w-]{40,}$/)
    // the signed URL works without any session (an <img> tag), the bare path does not
    expect((await t.app.inject({ url: path + signed.search })).statusCode).toBe(200)
    expectProblem(await t.app.inject({ url: path }), 401)
    // a third user: neither with their token, nor with the link made for alice
    expectProblem(await t.app.inject({ url: path, headers: eve.headers }), 404)
    expectProblem(await t.app.inject({ url: path + signed.search, headers: eve.headers }), 404)
    // altered links
    const forged = new URL(signed)
    forged.searchParams.set('u', String(eve.user.id))
    expectProblem(await t.app.inject({ url: forged.pathname + forged.search }), 403, 'invalid_signature')
    const stretched = new URL(signed)
    stretched.searchParams.set('exp', String(Number(signed.searchParams.get('exp')) + 600))
    expectProblem(await t.app.inject({ url: stretched.pathname + stretched.search }), 403, 'invalid_signature')
    const expired = t.app.inject({ url: `${path}?u=${alice.user.id}&exp=1000&sig=${signed.searchParams.get('sig')}` })
    expectProblem(await expired, 403, 'invalid_signature')
    // another message's link does not open this one
    const other = json(await sendFile(alice, conv.id, { filename: 'b.txt', type: 'text/plain', data: Buffer.from('b') }))
    expectProblem(await t.app.inject({ url: path + new URL(other.attachment.url).search }), 403)
    // once deleted, the file is gone for everyone
    expect((await call('DELETE', `/api/hearth/v1/messages/${m.id}`, alice)).statusCode).toBe(204)
    expectProblem(await t.app.inject({ url: path + signed.search }), 404)
    expectProblem(await t.app.inject({ url: path, headers: bob.headers }), 404)
  })
})

describe('only the two participants, on every route', () => {
  it('a third user and an anonymous client get nothing anywhere', async () => {
    const [x, y] = await Promise.all([register(t.app), register(t.app)])
    const c = await openConversation(x, y)
    const m = await send(x, c.id, 'private words')
    const img = json(await sendFile(x, c.id, { filename: 'p.jpg', type: 'image/jpeg', data: await jpeg() }))
    const routes: ['GET' | 'POST' | 'DELETE', string, unknown?][] = [
      ['GET', `/api/hearth/v1/conversations/${c.id}/messages`],
      ['POST', `/api/hearth/v1/conversations/${c.id}/messages`, { content: 'let me in' }],
      ['POST', `/api/hearth/v1/conversations/${c.id}/read`],
      ['DELETE', `/api/hearth/v1/messages/${m.id}`],
      ['GET', `/api/hearth/v1/messages/${img.id}/attachment`],
    ]
    for (const [method, url, body] of routes) {
      expectProblem(await call(method, url, eve, body), 404)
      expectProblem(await call(method, url, undefined, body), 401)
    }
    // multipart upload into someone else's conversation
    expectProblem(await sendFile(eve, c.id, { filename: 'x.jpg', type: 'image/jpeg', data: await jpeg() }), 404)
    // nothing of it shows in the third user's lists
    const evesList = json(await call('GET', '/api/hearth/v1/conversations', eve)).items
    expect(evesList.find((i: { id: number }) => i.id === c.id)).toBeUndefined()
    expectProblem(await call('GET', '/api/hearth/v1/conversations'), 401)
    // and nothing changed
    const history = json(await call('GET', `/api/hearth/v1/conversations/${c.id}/messages`, y)).items
    expect(history.map((i: { content: string }) => i.content)).toEqual(['', 'private words'])
    expect(history.every((i: { isRead: boolean; isDeleted: boolean }) => !i.isRead && !i.isDeleted)).toBe(true)
  })

  it('hides a conversation with a blocked user from the other participant', async () => {
    const [x, y] = await Promise.all([register(t.app), register(t.app)])
    const c = await openConversation(x, y)
    await send(y, c.id, 'hi')
    await db().update(users).set({ isBlocked: true }).where(eq(users.id, y.user.id))
    expect(json(await call('GET', '/api/hearth/v1/conversations', x)).items).toEqual([])
    expectProblem(await call('GET', `/api/hearth/v1/conversations/${c.id}/messages`, x), 404)
    expectProblem(await call('POST', `/api/hearth/v1/conversations/${c.id}/messages`, x, { content: 'still there?' }), 404)
  })
})
