// Ranked explore: the score (distinct people, the author left out, time decay), the cap per
// author, cursors that stay on one snapshot while scores change, the fallback once a snapshot
// expired, and each viewer's visibility applied to the shared snapshot.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { encodeCursor } from '../../lib/keyset.js'
import { queryRows } from '../../platform/db/rows.js'
import { api } from '../posts/test-support.js'
import { RANK_AUTHOR_CAP, RANK_WINDOW_DAYS } from './queries.js'

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
/** The next request ranks afresh (as a minute passing would). */
const expireFreshSnapshot = () => t.ctx.cache.del('explore:fresh')

async function backdate(postId: number, hoursAgo: number) {
  await queryRows(
    t.ctx.database.db,
    sql`UPDATE posts SET created_at = now() - make_interval(hours => ${hoursAgo}), updated_at = now() - make_interval(hours => ${hoursAgo}) WHERE id = ${postId}`,
  )
}

/** `n` new people (at most 7), each index typed as present. */
async function people(n: number): Promise<Session[] & Record<0 | 1 | 2 | 3 | 4 | 5 | 6, Session>> {
  return (await Promise.all(Array.from({ length: n }, () => register(t.app)))) as unknown as Session[] &
    Record<0 | 1 | 2 | 3 | 4 | 5 | 6, Session>
}

describe('ranked explore', () => {
  it('ranks by distinct people engaging, decayed by age, leaving the author’s own like and comments out', async () => {
    const [ana, ben, cai, dee, eve, fan, gus] = await people(7)
    const old = (await a.createPost(ana, 'two hours old, no engagement')).id
    await backdate(old, 2)
    const liked = (await a.createPost(ben, 'three likes')).id
    for (const s of [cai, dee, eve]) await a.put(`/posts/${liked}/like`, s)
    const commented = (await a.createPost(cai, 'one commenter three times')).id
    for (let i = 0; i < 3; i++) await a.comment(fan, commented, `again ${i}`)
    await a.comment(cai, commented, 'the author answers')
    // newer than `commented`: were its author's like counted it would tie on points and win on age
    const selfLiked = (await a.createPost(dee, 'liked by its author only')).id
    await a.put(`/posts/${selfLiked}/like`, dee)
    const fresh = (await a.createPost(gus, 'brand new, nothing yet')).id
    await expireFreshSnapshot()

    const page = json(await a.get('/feed/explore?limit=10', eve)).items
    expect(ids(page)).toEqual([liked, commented, fresh, selfLiked, old])
    expect(page[0]).toMatchObject({ likeCount: 3, likedByMe: true })
    // sort=recent keeps the newest-first order
    expect(ids(json(await a.get('/feed/explore?limit=5&sort=recent')).items)).toEqual([fresh, selfLiked, commented, liked, old])
  })

  it('caps each author, pages without repeats while scores and snapshots change, then goes on newest first', async () => {
    const [prolific, ...fans] = await people(6)
    const byProlific: number[] = []
    for (let i = 0; i < RANK_AUTHOR_CAP + 2; i++) {
      const p = (await a.createPost(prolific, `prolific ${i}`)).id
      byProlific.push(p)
      for (const f of fans.slice(0, 4)) await a.put(`/posts/${p}/like`, f)
    }
    const others: number[] = []
    for (const f of fans) others.push((await a.createPost(f, `by a fan`)).id)
    await expireFreshSnapshot()

    const first = json(await a.get('/feed/explore?limit=3', fans[4]))
    // the best three are the prolific author's, but only RANK_AUTHOR_CAP of them rank at all
    expect(ids(first.items)).toEqual(byProlific.slice(2).reverse())
    // meanwhile a fan's post becomes the most liked, a new post arrives, and a new snapshot is made
    for (const f of [prolific, ...fans.slice(0, 4)]) await a.put(`/posts/${others[4]}/like`, f)
    const late = (await a.createPost(fans[0]!, 'posted while paging')).id
    await expireFreshSnapshot()
    expect(ids(json(await a.get('/feed/explore?limit=1')).items)).toEqual([others[4]])

    const rest: number[] = []
    let cursor: string | null = first.nextCursor
    while (cursor) {
      const body = json(await a.get(`/feed/explore?limit=3&cursor=${cursor}`, fans[4]))
      rest.push(...ids(body.items))
      cursor = body.nextCursor
    }
    const seen = [...ids(first.items), ...rest]
    expect(new Set(seen).size).toBe(seen.length)
    expect(new Set(seen)).toEqual(new Set(await allPosts()))
    // the capped posts come after the snapshot, newest first, with the post made while paging
    const capped = byProlific.slice(0, 2)
    expect(rest.indexOf(late)).toBeLessThan(rest.indexOf(capped[1]!))
    expect(rest.indexOf(capped[1]!)).toBeLessThan(rest.indexOf(capped[0]!))
  })

  it('after the snapshot expired, continues newest first from before its window', async () => {
    const [u] = await people(1)
    const ancient = (await a.createPost(u, 'from before the window')).id
    await backdate(ancient, RANK_WINDOW_DAYS * 24 + 30)
    const recent = (await a.createPost(u, 'recent')).id
    const gone = encodeCursor(['r', `${Date.now()}-0badf00d`, 3])
    const body = json(await a.get(`/feed/explore?limit=100&cursor=${gone}`))
    expect(ids(body.items)).toEqual([ancient])
    expect(body.nextCursor).toBeNull()
    expect(ids(json(await a.get('/feed/explore?limit=100&sort=recent')).items)).toContain(recent)
  })

  it('applies each viewer’s blocks, mutes and private accounts to the shared snapshot', async () => {
    const [viewer, blocker, muted, secret, fan] = await people(5)
    const posts: Record<string, number> = {}
    for (const [name, s] of Object.entries({ blocker, muted, secret, fan })) {
      posts[name] = (await a.createPost(s, `${name} post`)).id
      await a.put(`/posts/${posts[name]}/like`, viewer)
    }
    await a.put(`/users/${viewer.user.id}/block`, blocker)
    await a.put(`/users/${muted.user.id}/mute`, viewer)
    expect((await a.patch('/users/me', secret, { isPrivate: true })).statusCode).toBe(200)
    await expireFreshSnapshot()
    const seen = ids(await a.all('/feed/explore', viewer, 2))
    expect(seen).toContain(posts.fan)
    for (const hidden of ['blocker', 'muted', 'secret']) expect(seen).not.toContain(posts[hidden])
    // anonymous: the block and the mute are not theirs, the private account still is private
    const anon = ids(await a.all('/feed/explore', null, 2))
    expect(anon).toEqual(expect.arrayContaining([posts.fan, posts.blocker, posts.muted]))
    expect(anon).not.toContain(posts.secret)
  })

  it('refuses cursors it did not make, and those of the other sort', async () => {
    const recentCursor = json(await a.get('/feed/explore?limit=1&sort=recent')).nextCursor
    expect(recentCursor).toEqual(expect.any(String))
    expectProblem(await a.get(`/feed/explore?cursor=${recentCursor}`), 400, 'invalid_cursor')
    const rankedCursor = json(await a.get('/feed/explore?limit=1')).nextCursor
    expectProblem(await a.get(`/feed/explore?sort=recent&cursor=${rankedCursor}`), 400, 'invalid_cursor')
    for (const bad of [
      ['r', 'nope', 1],
      ['r', `${Date.now()}-0badf00d`, -1],
      ['t', `${Date.now()}-0badf00d`, 'yesterday', 3],
      ['x', `${Date.now()}-0badf00d`, 1],
    ]) {
      expectProblem(await a.get(`/feed/explore?cursor=${encodeCursor(bad)}`), 400, 'invalid_cursor')
    }
    expectProblem(await a.get('/feed/explore?sort=best'), 400, 'validation_failed')
  })
})

/** Every live post (all public and visible to the test's viewer). */
async function allPosts(): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(t.ctx.database.db, sql`SELECT id FROM posts WHERE NOT is_deleted`)
  return rows.map((r) => Number(r.id))
}
