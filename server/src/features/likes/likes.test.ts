import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notifications } from '../../db/schema.js'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { api, postCounters, setBlocked } from '../posts/test-support.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

const likeNotifications = (userId: number, postId: number) =>
  t.ctx.database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, 'like'), eq(notifications.relatedPostId, postId)))

describe('liking', () => {
  it('is idempotent both ways and shows in likeCount and likedByMe', async () => {
    const author = await register(t.app)
    const fan = await register(t.app)
    const p = await a.createPost(author)
    expect(json(await a.put(`/posts/${p.id}/like`, fan))).toEqual({ liked: true, likeCount: 1 })
    expect(json(await a.put(`/posts/${p.id}/like`, fan))).toEqual({ liked: true, likeCount: 1 })
    expect(json(await a.get(`/posts/${p.id}`, fan))).toMatchObject({ likeCount: 1, likedByMe: true })
    expect(json(await a.get(`/posts/${p.id}`, author))).toMatchObject({ likeCount: 1, likedByMe: false })
    expect(json(await a.get(`/posts/${p.id}`))).toMatchObject({ likeCount: 1, likedByMe: false })
    expect(json(await a.del(`/posts/${p.id}/like`, fan))).toEqual({ liked: false, likeCount: 0 })
    expect(json(await a.del(`/posts/${p.id}/like`, fan))).toEqual({ liked: false, likeCount: 0 })
    expect(json(await a.get(`/posts/${p.id}`, fan))).toMatchObject({ likeCount: 0, likedByMe: false })
    expect(await postCounters(t, p.id)).toMatchObject({ likeCount: 0, likeRows: 0 })
  })

  it('leaves exactly one row and a count of 1 after 50 parallel likes from one user', async () => {
    const author = await register(t.app)
    const fan = await register(t.app)
    const p = await a.createPost(author)
    const results = await Promise.all(Array.from({ length: 50 }, () => a.put(`/posts/${p.id}/like`, fan)))
    expect(results.map((r) => r.statusCode)).toEqual(Array(50).fill(200))
    expect(results.every((r) => json(r).likeCount === 1)).toBe(true)
    expect(await postCounters(t, p.id)).toMatchObject({ likeCount: 1, likeRows: 1 })
    expect(await likeNotifications(author.user.id, p.id)).toHaveLength(1)
    // and 50 parallel unlikes leave none
    await Promise.all(Array.from({ length: 50 }, () => a.del(`/posts/${p.id}/like`, fan)))
    expect(await postCounters(t, p.id)).toMatchObject({ likeCount: 0, likeRows: 0 })
  })

  it('counts many users liking at once, through like/unlike sequences', async () => {
    const author = await register(t.app)
    const fans = await Promise.all(Array.from({ length: 6 }, () => register(t.app)))
    const p = await a.createPost(author)
    await Promise.all(fans.map((f) => a.put(`/posts/${p.id}/like`, f)))
    await Promise.all(fans.slice(0, 3).map((f) => a.del(`/posts/${p.id}/like`, f)))
    await Promise.all(fans.slice(0, 2).map((f) => a.put(`/posts/${p.id}/like`, f)))
    const c = await postCounters(t, p.id)
    expect(c).toMatchObject({ likeCount: 5, likeRows: 5 })
  })

  it('refuses anonymous callers, unknown posts and bad ids', async () => {
    const author = await register(t.app)
    const p = await a.createPost(author)
    expectProblem(await a.put(`/posts/${p.id}/like`, null), 401)
    expectProblem(await a.del(`/posts/${p.id}/like`, null), 401)
    expectProblem(await a.put('/posts/2147483647/like', author), 404, 'not_found')
    expectProblem(await a.del('/posts/2147483647/like', author), 404, 'not_found')
    expectProblem(await a.put('/posts/x/like', author), 400, 'validation_failed')
    expectProblem(await a.get('/posts/0/likes'), 400, 'validation_failed')
    expectProblem(await a.get('/posts/2147483647/likes'), 404)
  })

  it('notifies the author once per like, not for liking one’s own post, and not again after unlike/like', async () => {
    const author = await register(t.app)
    const fan = await register(t.app)
    const p = await a.createPost(author)
    await a.put(`/posts/${p.id}/like`, author)
    expect(await likeNotifications(author.user.id, p.id)).toHaveLength(0)
    await a.put(`/posts/${p.id}/like`, fan)
    await a.del(`/posts/${p.id}/like`, fan)
    await a.put(`/posts/${p.id}/like`, fan)
    const n = await likeNotifications(author.user.id, p.id)
    expect(n).toHaveLength(1)
    expect(n[0]).toMatchObject({ relatedUserId: fan.user.id, message: `${fan.user.username} liked your post` })
  })
})

describe('who liked', () => {
  it('lists likers newest first across pages without repeats, anonymously too, leaving out blocked accounts', async () => {
    const author = await register(t.app)
    const fans: Session[] = []
    for (let i = 0; i < 7; i++) fans.push(await register(t.app))
    const p = await a.createPost(author)
    for (const f of fans) await a.put(`/posts/${p.id}/like`, f)
    const items = await a.all(`/posts/${p.id}/likes`, null, 3)
    expect(items.map((u: { id: number }) => u.id)).toEqual(fans.map((f) => f.user.id).reverse())
    expect(items[0]).toMatchObject({ id: fans[6]!.user.id, username: fans[6]!.user.username, likedAt: expect.any(String) })
    expect(items[0]).not.toHaveProperty('email')

    await setBlocked(t, fans[3]!.user.id, true)
    try {
      const visible = await a.all(`/posts/${p.id}/likes`, null, 2)
      expect(visible.map((u: { id: number }) => u.id)).not.toContain(fans[3]!.user.id)
      expect(visible).toHaveLength(6)
    } finally {
      await setBlocked(t, fans[3]!.user.id, false)
    }
    expectProblem(await a.get(`/posts/${p.id}/likes?cursor=nope`), 400, 'invalid_cursor')
  })
})
