// Idempotency-Key on the three creates (posts, comments, messages): a retry replays the first
// response instead of writing a second row; reusing a key for another body is refused; concurrent
// submits with one key write once; keys are per user; without the header nothing changes.
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { comments, idempotencyKeys, messages, posts } from '../db/schema.js'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../test/helpers.js'
import { deleteExpiredIdempotencyKeys } from './idempotency.js'
import { jpeg } from '../features/media/test-images.js'

let h: Harness
let t: TestApp
let alice: Session
let bob: Session
let postId: number
let conversationId: number

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  ;[alice, bob] = await Promise.all([register(t.app), register(t.app)])
  postId = json(await post(alice, '/api/hearth/v1/posts', { content: 'a post to comment on' })).id
  const conv = await post(alice, '/api/hearth/v1/conversations', { userId: bob.user.id })
  conversationId = json(conv).id
})
afterAll(async () => h.close())

const db = () => t.ctx.database.db
function post(who: Session, url: string, payload: object, key?: string, extra: Record<string, string> = {}) {
  const headers = { ...who.headers, ...extra, ...(key === undefined ? {} : { 'idempotency-key': key }) }
  return t.app.inject({ method: 'POST', url, headers, payload })
}
const countPosts = async (content: string) => (await db().select().from(posts).where(eq(posts.content, content))).length
const countComments = async (content: string) => (await db().select().from(comments).where(eq(comments.content, content))).length
const countMessages = async (content: string) => (await db().select().from(messages).where(eq(messages.content, content))).length

async function uploadForm(parts: { name: string; filename?: string; type?: string; data: Buffer | string }[]) {
  const fd = new FormData()
  for (const p of parts) {
    if (p.filename === undefined) fd.append(p.name, String(p.data))
    else fd.append(p.name, new Blob([new Uint8Array(p.data as Buffer)], { type: p.type }), p.filename)
  }
  const req = new Request('http://localhost/', { method: 'POST', body: fd })
  return { payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type')! } }
}

describe('Idempotency-Key', () => {
  const creates = [
    { what: 'post', url: () => '/api/hearth/v1/posts', body: (c: string) => ({ content: c }), count: countPosts },
    { what: 'comment', url: () => `/api/hearth/v1/posts/${postId}/comments`, body: (c: string) => ({ content: c }), count: countComments },
    {
      what: 'message',
      url: () => `/api/hearth/v1/conversations/${conversationId}/messages`,
      body: (c: string) => ({ content: c }),
      count: countMessages,
    },
  ]

  for (const c of creates) {
    it(`a retried ${c.what} with the same key and body replays the first response (same id, one row)`, async () => {
      const content = `retry ${c.what} ${Math.random()}`
      const first = await post(alice, c.url(), c.body(content), `key-${c.what}-1`)
      expect(first.statusCode, first.body).toBe(201)
      const again = await post(alice, c.url(), c.body(content), `key-${c.what}-1`)
      expect(again.statusCode, again.body).toBe(201)
      expect(again.headers['idempotent-replayed']).toBe('true')
      expect(json(again)).toEqual(json(first))
      expect(await c.count(content)).toBe(1)
    })

    it(`the same key with a different ${c.what} body is 422 idempotency_key_reused, and nothing is written`, async () => {
      const content = `reuse ${c.what} ${Math.random()}`
      expect((await post(alice, c.url(), c.body(content), `key-${c.what}-2`)).statusCode).toBe(201)
      const other = await post(alice, c.url(), c.body(`${content} changed`), `key-${c.what}-2`)
      expectProblem(other, 422, 'idempotency_key_reused')
      expect(await c.count(`${content} changed`)).toBe(0)
    })

    it(`10 concurrent ${c.what} submits with one key write one row; the others replay it or get 409 in progress`, async () => {
      const content = `burst ${c.what} ${Math.random()}`
      const all = await Promise.all(Array.from({ length: 10 }, () => post(alice, c.url(), c.body(content), `key-${c.what}-3`)))
      for (const res of all) {
        if (res.statusCode === 409) expectProblem(res, 409, 'idempotency_key_in_progress')
        else expect(res.statusCode, res.body).toBe(201)
      }
      const ids = new Set(all.filter((r) => r.statusCode === 201).map((r) => json(r).id))
      expect(ids.size).toBe(1)
      expect(await c.count(content)).toBe(1)
      // once it is done, every retry replays it
      const later = await post(alice, c.url(), c.body(content), `key-${c.what}-3`)
      expect(later.statusCode).toBe(201)
      expect(ids.has(json(later).id)).toBe(true)
    })
  }

  it("another user's same key is independent of mine", async () => {
    const content = `shared key ${Math.random()}`
    const mine = await post(alice, '/api/hearth/v1/posts', { content }, 'the-same-key')
    const theirs = await post(bob, '/api/hearth/v1/posts', { content }, 'the-same-key')
    expect(mine.statusCode).toBe(201)
    expect(theirs.statusCode).toBe(201)
    expect(theirs.headers['idempotent-replayed']).toBeUndefined()
    expect(json(theirs).id).not.toBe(json(mine).id)
    expect(json(theirs).author.id).toBe(bob.user.id)
    expect(await countPosts(content)).toBe(2)
  })

  it('the same key on another route is a reuse (the route is part of the request)', async () => {
    const content = `cross route ${Math.random()}`
    expect((await post(alice, '/api/hearth/v1/posts', { content }, 'cross-route')).statusCode).toBe(201)
    expectProblem(await post(alice, `/api/hearth/v1/posts/${postId}/comments`, { content }, 'cross-route'), 422, 'idempotency_key_reused')
    expect(await countComments(content)).toBe(0)
  })

  it('without the header every submit creates (unchanged behaviour), and no key is stored', async () => {
    const content = `no key ${Math.random()}`
    const [a, b] = [await post(alice, '/api/hearth/v1/posts', { content }), await post(alice, '/api/hearth/v1/posts', { content })]
    expect([a.statusCode, b.statusCode]).toEqual([201, 201])
    expect(json(a).id).not.toBe(json(b).id)
    expect(a.headers['idempotent-replayed']).toBeUndefined()
    expect(await countPosts(content)).toBe(2)
    const stored = await db().select().from(idempotencyKeys).where(eq(idempotencyKeys.userId, alice.user.id))
    expect(stored.every((k) => k.key.startsWith('key-') || ['the-same-key', 'cross-route'].includes(k.key))).toBe(true)
  })

  it('a malformed key is 400 validation_failed naming the header, and nothing is written', async () => {
    const content = `bad key ${Math.random()}`
    for (const key of ['', 'x'.repeat(256), 'tab\there', 'ümlaut']) {
      const res = await post(alice, '/api/hearth/v1/posts', { content }, key)
      expectProblem(res, 400, 'validation_failed')
      expect(json(res).errors[0].field).toBe('Idempotency-Key')
    }
    expect((await post(alice, '/api/hearth/v1/posts', { content }, 'x'.repeat(255))).statusCode).toBe(201)
    expect(await countPosts(content)).toBe(1)
  })

  it('a failed create releases the key: the corrected retry with the same key creates', async () => {
    const missing = await post(alice, `/api/hearth/v1/posts/${2_000_000_000}/comments`, { content: 'to nowhere' }, 'after-failure')
    expectProblem(missing, 404, 'not_found')
    const fixed = await post(alice, `/api/hearth/v1/posts/${postId}/comments`, { content: 'to somewhere' }, 'after-failure')
    expect(fixed.statusCode, fixed.body).toBe(201)
  })

  it('multipart posts hash the text fields and the file bytes: same file replays, another file is a reuse', async () => {
    const content = `multipart ${Math.random()}`
    const image = await jpeg(32, 32)
    const form = () =>
      uploadForm([
        { name: 'content', data: content },
        { name: 'images', filename: 'a.jpg', type: 'image/jpeg', data: image },
      ])
    const send = async (key: string, f: Awaited<ReturnType<typeof uploadForm>>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/posts',
        headers: { ...alice.headers, ...f.headers, 'idempotency-key': key },
        payload: f.payload,
      })
    const first = await send('multi', await form())
    expect(first.statusCode, first.body).toBe(201)
    const again = await send('multi', await form())
    expect(again.statusCode).toBe(201)
    expect(json(again).id).toBe(json(first).id)
    const otherImage = await jpeg(48, 48)
    const other = await uploadForm([
      { name: 'content', data: content },
      { name: 'images', filename: 'a.jpg', type: 'image/jpeg', data: otherImage },
    ])
    expectProblem(await send('multi', other), 422, 'idempotency_key_reused')
    expect(await countPosts(content)).toBe(1)
  })

  it('the OpenAPI document lists the header on the three creates, with the 409 and 422 answers', async () => {
    const spec = json(await t.app.inject({ url: '/api/openapi.json' }))
    for (const path of ['/api/hearth/v1/posts', '/api/hearth/v1/posts/{id}/comments', '/api/hearth/v1/conversations/{id}/messages']) {
      const op = spec.paths[path].post
      expect(op.parameters, path).toContainEqual(expect.objectContaining({ in: 'header', name: 'idempotency-key', required: false }))
      expect(Object.keys(op.responses), path).toEqual(expect.arrayContaining(['409', '422']))
    }
  })

  it('keys older than 24 h are deleted by the cleanup, and an expired key may be used again', async () => {
    const content = `expired ${Math.random()}`
    expect((await post(alice, '/api/hearth/v1/posts', { content }, 'old-key')).statusCode).toBe(201)
    await db()
      .update(idempotencyKeys)
      .set({ createdAt: sql`now() - interval '25 hours'` })
      .where(and(eq(idempotencyKeys.userId, alice.user.id), eq(idempotencyKeys.key, 'old-key')))
    // an expired key is reclaimed on its next use: a new post
    const reused = await post(alice, '/api/hearth/v1/posts', { content }, 'old-key')
    expect(reused.statusCode).toBe(201)
    expect(reused.headers['idempotent-replayed']).toBeUndefined()
    expect(await countPosts(content)).toBe(2)
    await db()
      .update(idempotencyKeys)
      .set({ createdAt: sql`now() - interval '25 hours'` })
      .where(and(eq(idempotencyKeys.userId, alice.user.id), eq(idempotencyKeys.key, 'old-key')))
    expect(await deleteExpiredIdempotencyKeys(db())).toBeGreaterThanOrEqual(1)
    const left = await db()
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, alice.user.id), eq(idempotencyKeys.key, 'old-key')))
    expect(left).toEqual([])
  })
})
