import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, register, type Harness, type TestApp } from '../../../test/helpers.js'
import { api, setBlocked } from '../posts/test-support.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

const ids = (items: { id: number }[]) => items.map((p) => p.id)

describe('saving a post', () => {
  it('is idempotent both ways and shows as bookmarkedByMe to the saver only', async () => {
    const author = await register(t.app)
    const saver = await register(t.app)
    const p = await a.createPost(author)
    expect(json(await a.get(`/posts/${p.id}`, saver))).toMatchObject({ bookmarkedByMe: false })
    for (let i = 0; i < 2; i++) {
      const res = await a.put(`/posts/${p.id}/bookmark`, saver)
      expect(res.statusCode).toBe(200)
      expect(json(res)).toEqual({ bookmarked: true })
    }
    expect(json(await a.get(`/posts/${p.id}`, saver))).toMatchObject({ bookmarkedByMe: true })
    expect(json(await a.get(`/posts/${p.id}`, author))).toMatchObject({ bookmarkedByMe: false })
    expect(json(await a.get(`/posts/${p.id}`))).toMatchObject({ bookmarkedByMe: false })
    expect(ids(json(await a.get('/bookmarks', saver)).items)).toEqual([p.id])
    // and in every list of posts, e.g. the author's profile
    expect(json(await a.get(`/users/${author.user.id}/posts`, saver)).items[0]).toMatchObject({ id: p.id, bookmarkedByMe: true })

    for (let i = 0; i < 2; i++) expect(json(await a.del(`/posts/${p.id}/bookmark`, saver))).toEqual({ bookmarked: false })
    expect(json(await a.get(`/posts/${p.id}`, saver))).toMatchObject({ bookmarkedByMe: false })
    expect(json(await a.get('/bookmarks', saver))).toEqual({ items: [], nextCursor: null })
  })

  it('keeps one row under parallel saves', async () => {
    const author = await register(t.app)
    const saver = await register(t.app)
    const p = await a.createPost(author)
    const results = await Promise.all(Array.from({ length: 20 }, () => a.put(`/posts/${p.id}/bookmark`, saver)))
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(200))
    expect(ids(json(await a.get('/bookmarks', saver)).items)).toEqual([p.id])
  })

  it('refuses anonymous callers, unknown posts, bad ids and posts the caller may not see', async () => {
    const author = await register(t.app)
    const other = await register(t.app)
    const p = await a.createPost(author)
    expectProblem(await a.put(`/posts/${p.id}/bookmark`, null), 401)
    expectProblem(await a.del(`/posts/${p.id}/bookmark`, null), 401)
    expectProblem(await a.get('/bookmarks', null), 401)
    expectProblem(await a.put('/posts/2147483647/bookmark', other), 404, 'not_found')
    expectProblem(await a.del('/posts/2147483647/bookmark', other), 404, 'not_found')
    expectProblem(await a.put('/posts/x/bookmark', other), 400, 'validation_failed')
    expectProblem(await a.get('/bookmarks?cursor=nope', other), 400, 'invalid_cursor')
    await a.put(`/users/${other.user.id}/block`, author)
    expectProblem(await a.put(`/posts/${p.id}/bookmark`, other), 404, 'not_found')
    await a.del(`/posts/${p.id}`, author)
    expectProblem(await a.put(`/posts/${p.id}/bookmark`, author), 404, 'not_found')
  })
})

describe('the saved list', () => {
  it('lists newest saved first (not newest posted), across pages without repeats, private to its owner', async () => {
    const author = await register(t.app)
    const saver = await register(t.app)
    const nosy = await register(t.app)
    const posts: { id: number }[] = []
    for (let i = 0; i < 7; i++) posts.push(await a.createPost(author, `post ${i}`))
    const order = [3, 0, 6, 1, 5, 2, 4].map((i) => posts[i]!.id)
    for (const id of order) await a.put(`/posts/${id}/bookmark`, saver)
    await a.put(`/posts/${posts[0]!.id}/bookmark`, nosy)

    for (const limit of [1, 2, 3, 7, 20]) {
      expect(ids(await a.all('/bookmarks', saver, limit))).toEqual([...order].reverse())
    }
    // another person's list holds only their own saves, and nothing says who else saved a post
    expect(ids(await a.all('/bookmarks', nosy, 5))).toEqual([posts[0]!.id])
    expect(ids(await a.all('/bookmarks', author, 5))).toEqual([])
    expect(json(await a.get(`/posts/${posts[3]!.id}`, nosy))).toMatchObject({ bookmarkedByMe: false })
    // saving again does not move a post up
    await a.put(`/posts/${order[0]}/bookmark`, saver)
    expect(ids(await a.all('/bookmarks', saver, 3)).at(-1)).toBe(order[0])
  })

  it('leaves out posts deleted or hidden since they were saved, without breaking the paging', async () => {
    const saver = await register(t.app)
    const kept = await register(t.app)
    const deleter = await register(t.app)
    const blocker = await register(t.app)
    const blockedBySaver = await register(t.app)
    const goesPrivate = await register(t.app)
    const suspended = await register(t.app)
    const p = {
      kept1: await a.createPost(kept),
      deleted: await a.createPost(deleter),
      blocksSaver: await a.createPost(blocker),
      kept2: await a.createPost(kept),
      blockedBySaver: await a.createPost(blockedBySaver),
      private: await a.createPost(goesPrivate),
      suspended: await a.createPost(suspended),
      kept3: await a.createPost(kept),
    }
    for (const post of Object.values(p)) expect((await a.put(`/posts/${post.id}/bookmark`, saver)).statusCode).toBe(200)

    await a.del(`/posts/${p.deleted.id}`, deleter)
    expect((await a.put(`/users/${saver.user.id}/block`, blocker)).statusCode).toBe(204)
    expect((await a.put(`/users/${blockedBySaver.user.id}/block`, saver)).statusCode).toBe(204)
    expect(json(await a.patch('/users/me', goesPrivate, { isPrivate: true }))).toMatchObject({ isPrivate: true })
    await setBlocked(t, suspended.user.id, true)
    try {
      const expected = [p.kept3.id, p.kept2.id, p.kept1.id]
      for (const limit of [1, 2, 3, 20]) expect(ids(await a.all('/bookmarks', saver, limit))).toEqual(expected)
      // acting on a post one may not see is not found, as everywhere
      expectProblem(await a.del(`/posts/${p.blocksSaver.id}/bookmark`, saver), 404, 'not_found')
    } finally {
      await setBlocked(t, suspended.user.id, false)
    }
    // a post hidden only for a while comes back when it is visible again
    expect(ids(await a.all('/bookmarks', saver, 20))).toEqual([p.kept3.id, p.suspended.id, p.kept2.id, p.kept1.id])
  })
})
