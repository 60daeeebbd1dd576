import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notifications } from '../../db/schema.js'
import { createHarness, expectProblem, json, login, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { api, countQueries, postCounters, replyCounter, setBlocked } from '../posts/test-support.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>
let admin: Session

beforeAll(async () => {
  h = await createHarness()
  t = await h.start({ ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: 'admin passphrase 1' })
  a = api(t)
  admin = await login(t.app, 'root@example.test', 'admin passphrase 1')
})
afterAll(async () => h.close())

const ids = (items: { id: number }[]) => items.map((c) => c.id)

describe('commenting', () => {
  it('creates top-level comments and threaded replies, listed oldest first with replyCount', async () => {
    const author = await register(t.app)
    const bob = await register(t.app)
    const p = await a.createPost(author)
    const res = await a.post(`/posts/${p.id}/comments`, bob, { content: '  First!  ' })
    expect(res.statusCode).toBe(201)
    const c1 = json(res)
    expect(c1).toMatchObject({
      postId: p.id,
      parentCommentId: null,
      author: { id: bob.user.id, username: bob.user.username },
      content: 'First!',
      isDeleted: false,
      replyCount: 0,
      edited: false,
    })
    const c2 = await a.comment(author, p.id, 'second')
    const r1 = await a.comment(author, p.id, 'reply', c1.id)
    const r2 = await a.comment(bob, p.id, 'reply to the reply', r1.id)
    expect(r1.parentCommentId).toBe(c1.id)
    expect(r2.parentCommentId).toBe(r1.id)

    const top = json(await a.get(`/posts/${p.id}/comments`))
    expect(ids(top.items)).toEqual([c1.id, c2.id])
    expect(top.items[0].replyCount).toBe(1)
    expect(top.items[1].replyCount).toBe(0)
    expect(ids(json(await a.get(`/comments/${c1.id}/replies`)).items)).toEqual([r1.id])
    expect(ids(json(await a.get(`/comments/${r1.id}/replies`)).items)).toEqual([r2.id])
    expect(json(await a.get(`/posts/${p.id}`)).commentCount).toBe(4)
    expect(await postCounters(t, p.id)).toMatchObject({ commentCount: 4, commentRows: 4 })
  })

  it('pages top-level comments and replies without repeats or gaps', async () => {
    const author = await register(t.app)
    const p = await a.createPost(author)
    const top = []
    for (let i = 0; i < 7; i++) top.push((await a.comment(author, p.id, `c${i}`)).id)
    const replies = []
    for (let i = 0; i < 5; i++) replies.push((await a.comment(author, p.id, `r${i}`, top[0])).id)
    expect(ids(await a.all(`/posts/${p.id}/comments`, null, 3))).toEqual(top)
    expect(ids(await a.all(`/comments/${top[0]}/replies`, null, 2))).toEqual(replies)
    expectProblem(await a.get(`/posts/${p.id}/comments?cursor=zzz`), 400, 'invalid_cursor')
    expectProblem(await a.get(`/comments/${top[0]}/replies?cursor=zzz`), 400, 'invalid_cursor')
  })

  it('refuses anonymous callers, bad content, unknown posts and parents from another post', async () => {
    const author = await register(t.app)
    const p = await a.createPost(author)
    const other = await a.createPost(author)
    const foreign = await a.comment(author, other.id)
    expectProblem(await a.post(`/posts/${p.id}/comments`, null, { content: 'anon' }), 401)
    expectProblem(await a.post(`/posts/${p.id}/comments`, author, { content: '' }), 400, 'validation_failed')
    expectProblem(await a.post(`/posts/${p.id}/comments`, author, { content: '   ' }), 400, 'validation_failed')
    expectProblem(await a.post(`/posts/${p.id}/comments`, author, { content: 'x'.repeat(2001) }), 400, 'validation_failed')
    expect((await a.post(`/posts/${p.id}/comments`, author, { content: 'x'.repeat(2000) })).statusCode).toBe(201)
    expectProblem(await a.post(`/posts/${p.id}/comments`, author, { content: 'x', postId: 3 }), 400, 'validation_failed')
    expectProblem(await a.post(`/posts/${p.id}/comments`, author, { content: 'x', parentCommentId: foreign.id }), 400, 'invalid_parent')
    expectProblem(await a.post(`/posts/${p.id}/comments`, author, { content: 'x', parentCommentId: 2147483647 }), 400, 'invalid_parent')
    expectProblem(await a.post(`/posts/${p.id}/comments`, author, { content: 'x', parentCommentId: 0 }), 400, 'validation_failed')
    expectProblem(await a.post('/posts/2147483647/comments', author, { content: 'x' }), 404)
    expectProblem(await a.post('/posts/nope/comments', author, { content: 'x' }), 400, 'validation_failed')
    expectProblem(await a.get('/posts/2147483647/comments'), 404)
    expectProblem(await a.get('/comments/2147483647/replies'), 404)
    expectProblem(await a.get('/comments/abc/replies'), 400, 'validation_failed')
    // a deleted parent cannot take new replies
    await a.del(`/comments/${foreign.id}`, author)
    expectProblem(await a.post(`/posts/${other.id}/comments`, author, { content: 'x', parentCommentId: foreign.id }), 400, 'invalid_parent')
    expect(await postCounters(t, p.id)).toMatchObject({ commentCount: 1, commentRows: 1 })
  })
})

describe('paging around hidden comments', () => {
  it('skips deleted comments without gaps or repeats, in the same number of statements per page', async () => {
    const u = await register(t.app)
    const p = await a.createPost(u)
    const live: number[] = []
    for (let i = 0; i < 12; i++) {
      const c = await a.comment(u, p.id, `c${i}`)
      if (i % 3 === 0) {
        await a.comment(u, p.id, 'reply keeps it', c.id)
        live.push(c.id)
        await a.del(`/comments/${c.id}`, u) // a placeholder
      } else if (i % 3 === 1) {
        await a.del(`/comments/${c.id}`, u) // gone
      } else {
        live.push(c.id)
      }
    }
    expect(ids(await a.all(`/posts/${p.id}/comments`, null, 2))).toEqual(live)
    expect(ids(await a.all(`/posts/${p.id}/comments`, null, 5))).toEqual(live)
    const big = await countQueries(t, () => a.get(`/posts/${p.id}/comments?limit=12`))
    const small = await countQueries(t, () => a.get(`/posts/${p.id}/comments?limit=3`))
    expect(json(big.result).items).toHaveLength(8)
    expect(big.queries.length).toBe(small.queries.length)
  })
})

describe('editing and deleting', () => {
  it('lets only the author edit', async () => {
    const postAuthor = await register(t.app)
    const commenter = await register(t.app)
    const p = await a.createPost(postAuthor)
    const c = await a.comment(commenter, p.id, 'orig')
    expectProblem(await a.patch(`/comments/${c.id}`, null, { content: 'x' }), 401)
    expectProblem(await a.patch(`/comments/${c.id}`, postAuthor, { content: 'x' }), 403, 'forbidden')
    expectProblem(await a.patch(`/comments/${c.id}`, admin, { content: 'x' }), 403, 'forbidden')
    expectProblem(await a.patch(`/comments/${c.id}`, commenter, { content: ' ' }), 400)
    expectProblem(await a.patch(`/comments/${c.id}`, commenter, { content: 'x'.repeat(2001) }), 400, 'validation_failed')
    expectProblem(await a.patch('/comments/2147483647', commenter, { content: 'x' }), 404)
    const res = await a.patch(`/comments/${c.id}`, commenter, { content: ' changed ' })
    expect(res.statusCode).toBe(200)
    expect(json(res)).toMatchObject({ id: c.id, content: 'changed', edited: true })
    expect(json(await a.get(`/posts/${p.id}/comments`)).items[0]).toMatchObject({ content: 'changed', edited: true })
  })

  it('lets the comment’s author, the post’s author or an admin delete, nobody else', async () => {
    const postAuthor = await register(t.app)
    const commenter = await register(t.app)
    const stranger = await register(t.app)
    const p = await a.createPost(postAuthor)
    const [c1, c2, c3] = [
      await a.comment(commenter, p.id, '1'),
      await a.comment(commenter, p.id, '2'),
      await a.comment(commenter, p.id, '3'),
    ]
    for (const c of [c1, c2, c3]) {
      expectProblem(await a.del(`/comments/${c.id}`, null), 401)
      expectProblem(await a.del(`/comments/${c.id}`, stranger), 403, 'forbidden')
    }
    expect((await a.del(`/comments/${c1.id}`, commenter)).statusCode).toBe(204)
    expect((await a.del(`/comments/${c2.id}`, postAuthor)).statusCode).toBe(204)
    expect((await a.del(`/comments/${c3.id}`, admin)).statusCode).toBe(204)
    expectProblem(await a.del(`/comments/${c1.id}`, commenter), 404)
    expectProblem(await a.patch(`/comments/${c1.id}`, commenter, { content: 'back' }), 404)
    expectProblem(await a.del('/comments/2147483647', commenter), 404)
    expectProblem(await a.del('/comments/x', commenter), 400, 'validation_failed')
    expect(json(await a.get(`/posts/${p.id}/comments`)).items).toEqual([])
    expect(await postCounters(t, p.id)).toMatchObject({ commentCount: 0, commentRows: 0 })
  })

  it('keeps a deleted comment with live replies as a placeholder, at any depth, and drops it when they go', async () => {
    const u = await register(t.app)
    const p = await a.createPost(u)
    const top = await a.comment(u, p.id, 'top')
    const mid = await a.comment(u, p.id, 'mid', top.id)
    const leaf = await a.comment(u, p.id, 'leaf', mid.id)
    const lonely = await a.comment(u, p.id, 'no replies')

    await a.del(`/comments/${mid.id}`, u)
    await a.del(`/comments/${top.id}`, u)
    await a.del(`/comments/${lonely.id}`, u)
    // top has no live direct reply, but a live grandchild: still a placeholder
    const list = json(await a.get(`/posts/${p.id}/comments`)).items
    expect(list).toEqual([expect.objectContaining({ id: top.id, isDeleted: true, content: null, author: null, replyCount: 0 })])
    const replies = json(await a.get(`/comments/${top.id}/replies`)).items
    expect(replies).toEqual([expect.objectContaining({ id: mid.id, isDeleted: true, content: null, author: null, replyCount: 1 })])
    expect(ids(json(await a.get(`/comments/${mid.id}/replies`)).items)).toEqual([leaf.id])
    expect(JSON.stringify(list)).not.toContain('"top"')

    await a.del(`/comments/${leaf.id}`, u)
    expect(json(await a.get(`/posts/${p.id}/comments`)).items).toEqual([])
    expect(json(await a.get(`/comments/${top.id}/replies`)).items).toEqual([])
    expect(await postCounters(t, p.id)).toMatchObject({ commentCount: 0, commentRows: 0 })
  })

  it('keeps commentCount and replyCount equal to the live rows through create/delete sequences', async () => {
    const u = await register(t.app)
    const v = await register(t.app)
    const p = await a.createPost(u)
    const parent = await a.comment(u, p.id, 'parent')
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => a.comment(i % 2 ? u : v, p.id, `r${i}`, parent.id)))
    await Promise.all(replies.slice(0, 3).map((r) => a.del(`/comments/${r.id}`, u)))
    // two deletes of the same comment at once count once
    await Promise.all([a.del(`/comments/${replies[3]!.id}`, u), a.del(`/comments/${replies[3]!.id}`, u)])
    await a.comment(v, p.id, 'late reply', parent.id)
    expect(await replyCounter(t, parent.id)).toEqual({ replyCount: 3, replyRows: 3 })
    expect(await postCounters(t, p.id)).toMatchObject({ commentCount: 4, commentRows: 4 })
    expect(json(await a.get(`/posts/${p.id}`)).commentCount).toBe(4)
    expect(json(await a.get(`/posts/${p.id}/comments`)).items[0].replyCount).toBe(3)
  })
})

describe('notifications and blocked users', () => {
  const commentNotices = (userId: number, postId: number) =>
    t.ctx.database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.type, 'comment'), eq(notifications.relatedPostId, postId)))

  it('tells the post’s author and the parent’s author, never oneself, never twice', async () => {
    const author = await register(t.app)
    const bob = await register(t.app)
    const carol = await register(t.app)
    const p = await a.createPost(author)

    await a.comment(author, p.id, 'my own')
    expect(await commentNotices(author.user.id, p.id)).toHaveLength(0)

    const bobs = await a.comment(bob, p.id, 'from bob')
    expect(await commentNotices(author.user.id, p.id)).toHaveLength(1)

    const reply = await a.comment(carol, p.id, 'carol replies to bob', bobs.id)
    expect(await commentNotices(author.user.id, p.id)).toHaveLength(2)
    const toBob = await commentNotices(bob.user.id, p.id)
    expect(toBob).toHaveLength(1)
    expect(toBob[0]).toMatchObject({
      relatedUserId: carol.user.id,
      relatedCommentId: reply.id,
      message: `${carol.user.username} replied to your comment`,
    })

    // the post's author replying in a thread under their own comment: once, to nobody else
    const own = await a.comment(author, p.id, 'author comment')
    await a.comment(bob, p.id, 'bob replies to author', own.id)
    expect(await commentNotices(author.user.id, p.id)).toHaveLength(3)
    // replying to oneself notifies only the post's author
    await a.comment(bob, p.id, 'bob replies to bob', bobs.id)
    expect(await commentNotices(bob.user.id, p.id)).toHaveLength(1)
    expect(await commentNotices(author.user.id, p.id)).toHaveLength(4)
  })

  it('hides comments of blocked users (placeholders when they have replies)', async () => {
    const author = await register(t.app)
    const troll = await register(t.app)
    const p = await a.createPost(author)
    const lone = await a.comment(troll, p.id, 'troll alone')
    const replied = await a.comment(troll, p.id, 'troll with reply')
    await a.comment(author, p.id, 'answer', replied.id)
    await setBlocked(t, troll.user.id, true)
    try {
      const items = json(await a.get(`/posts/${p.id}/comments`)).items
      expect(ids(items)).toEqual([replied.id])
      expect(items[0]).toMatchObject({ content: null, author: null, isDeleted: true })
      expect(JSON.stringify(items)).not.toContain('troll')
      expectProblem(await a.post(`/posts/${p.id}/comments`, author, { content: 'x', parentCommentId: lone.id }), 400, 'invalid_parent')
    } finally {
      await setBlocked(t, troll.user.id, false)
    }
    expect(ids(json(await a.get(`/posts/${p.id}/comments`)).items)).toEqual([lone.id, replied.id])
  })
})
