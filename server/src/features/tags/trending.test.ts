// GET /tags/trending: tags by distinct people over the last 24 hours or 7 days, counting only
// posts everyone may see. Its own harness: the answer is cached for a minute, so it is read once
// per window here, after the whole world is built.
import { sql } from 'drizzle-orm'
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

/** Moves a post (and its trending use) `hours` into the past, as if it had been made then. */
async function age(postId: number, hours: number) {
  const db = t.ctx.database.db
  await db.execute(sql`UPDATE hashtag_usage hu SET hour = hu.hour - make_interval(hours => ${hours}::int)
    FROM posts p WHERE p.id = ${postId}::int AND hu.user_id = p.user_id AND hu.hour = date_trunc('hour', p.created_at, 'UTC')
      AND hu.hashtag_id IN (SELECT ph.hashtag_id FROM post_hashtags ph WHERE ph.post_id = p.id)`)
  await db.execute(
    sql`UPDATE post_hashtags SET created_at = created_at - make_interval(hours => ${hours}::int) WHERE post_id = ${postId}::int`,
  )
  await db.execute(sql`UPDATE posts SET created_at = created_at - make_interval(hours => ${hours}::int) WHERE id = ${postId}::int`)
}

describe('trending tags', () => {
  it('count distinct people, leave out private, suspended and deleted posts, and tell the day from the week', async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => register(t.app)))
    const [p1, p2, p3, p4, p5, p6] = people as [any, any, any, any, any, any]
    // #alpha: three people today, one of them three times
    for (let i = 0; i < 3; i++) await a.createPost(p1, `#alpha ${i}`)
    await a.createPost(p2, '#Alpha')
    await a.createPost(p3, '#ALPHA')
    // #beta: two people today, and a private account and a suspended one that do not count
    await a.createPost(p1, '#beta')
    await a.createPost(p2, '#beta')
    await a.createPost(p4, '#beta')
    await a.createPost(p5, '#beta')
    await a.patch('/users/me', p4, { isPrivate: true })
    // #gamma: four people (and the private one), but two days ago, and a deleted post today
    for (const s of [p1, p2, p3, p4, p6]) await age((await a.createPost(s, '#gamma')).id, 48)
    const gone = await a.createPost(p5, '#gamma #delta')
    await a.del(`/posts/${gone.id}`, p5)
    // an edit that drops a tag drops its use
    const edited = await a.createPost(p3, '#epsilon')
    await a.patch(`/posts/${edited.id}`, p3, { content: 'no tags now' })
    await setBlocked(t, p5.user.id, true)

    expect(json(await a.get('/tags/trending', null))).toEqual({
      window: 'day',
      items: [
        { name: 'alpha', people: 3 },
        { name: 'beta', people: 2 },
      ],
    })
    expect(json(await a.get('/tags/trending?window=week&limit=2', null))).toEqual({
      window: 'week',
      items: [
        { name: 'gamma', people: 4 },
        { name: 'alpha', people: 3 },
      ],
    })
    await setBlocked(t, p5.user.id, false)
    expectProblem(await a.get('/tags/trending?window=month', null), 400, 'validation_failed')
  })
})
