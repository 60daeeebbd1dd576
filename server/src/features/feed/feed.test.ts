import { sql, type SQL } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { queryRows } from '../../platform/db/rows.js'
import { api, countQueries, setBlocked } from '../posts/test-support.js'
import { EXPLORE_PAGE_SQL, EXPLORE_RANKED_PAGE_SQL, exploreParams, HOME_PAGE_SQL, homeFeedParams, WINDOW_MIN_FOLLOWING } from './queries.js'
import { POST_SQL, USER_POSTS_SQL } from '../posts/index.js'

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

/** Inserts a post at a given instant (the API always stamps "now"). */
async function postAt(u: Session, at: string, content = 'timed') {
  const [row] = await queryRows<{ id: number }>(
    t.ctx.database.db,
    sql`INSERT INTO posts (user_id, content, created_at, updated_at) VALUES (${u.user.id}, ${content}, ${at}::timestamptz, ${at}::timestamptz) RETURNING id`,
  )
  return Number(row!.id)
}

describe('home feed', () => {
  it('needs a signed-in caller', async () => {
    expectProblem(await a.get('/feed'), 401, 'unauthorized')
  })

  it('shows the posts of followed accounts and one’s own, newest first, paged without repeats or gaps', async () => {
    const me = await register(t.app)
    const [f1, f2, stranger] = await Promise.all([register(t.app), register(t.app), register(t.app)])
    await a.follow(me, f1.user.id)
    await a.follow(me, f2.user.id)
    const expected: number[] = []
    for (let i = 0; i < 9; i++) {
      const by = [f1, f2, me][i % 3]!
      expected.push((await a.createPost(by, `feed post ${i}`)).id)
      await a.createPost(stranger, `not followed ${i}`)
    }
    const items = await a.all('/feed', me, 4)
    expect(ids(items)).toEqual([...expected].reverse())
    const first = items[0]
    expect(first).toMatchObject({
      author: { id: me.user.id, username: me.user.username },
      content: 'feed post 8',
      images: [],
      likeCount: 0,
      commentCount: 0,
      likedByMe: false,
    })

    // likes and comments show up, likedByMe is the caller's
    await a.put(`/posts/${expected[4]}/like`, me)
    await a.put(`/posts/${expected[4]}/like`, f1)
    await a.comment(f2, expected[4]!, 'hi')
    const page = json(await a.get('/feed?limit=100', me)).items
    expect(page.find((p: { id: number }) => p.id === expected[4])).toMatchObject({ likeCount: 2, commentCount: 1, likedByMe: true })
    // f1 follows nobody: their feed is their own posts; the post they liked shows liked elsewhere
    const f1View = json(await a.get('/feed?limit=100', f1)).items
    expect(ids(f1View)).toEqual(expected.filter((_, i) => i % 3 === 0).reverse())
    const f1Explore = json(await a.get('/feed/explore?limit=100', f1)).items
    expect(f1Explore.find((p: { id: number }) => p.id === expected[4])).toMatchObject({ likedByMe: true, likeCount: 2 })

    // unfollowing removes an account's posts; deleting removes a post
    await a.del(`/users/${f2.user.id}/follow`, me)
    await a.del(`/posts/${expected[0]}`, f1)
    expect(ids(await a.all('/feed', me, 5))).toEqual(expected.filter((_, i) => i % 3 !== 1 && i !== 0).reverse())
  })

  it('orders posts of the same instant by id and keeps microseconds apart across pages', async () => {
    const me = await register(t.app)
    const f = await register(t.app)
    await a.follow(me, f.user.id)
    const same = '2023-03-03 03:03:03.333333+00'
    const p1 = await postAt(f, same)
    const p2 = await postAt(me, same)
    const p3 = await postAt(f, same)
    const later = await postAt(f, '2023-03-03 03:03:03.333334+00')
    const earlier = await postAt(me, '2023-03-03 03:03:03.333332+00')
    expect(ids(await a.all('/feed', me, 1))).toEqual([later, p3, p2, p1, earlier])
    expect(ids(await a.all('/feed', me, 2))).toEqual([later, p3, p2, p1, earlier])
  })

  it('hides posts of blocked accounts without breaking the paging', async () => {
    const me = await register(t.app)
    const good = await register(t.app)
    const bad = await register(t.app)
    await a.follow(me, good.user.id)
    await a.follow(me, bad.user.id)
    const goodPosts: number[] = []
    for (let i = 0; i < 4; i++) {
      goodPosts.push((await a.createPost(good, `good ${i}`)).id)
      await a.createPost(bad, `bad ${i}`)
      await a.createPost(bad, `bad again ${i}`)
    }
    await setBlocked(t, bad.user.id, true)
    try {
      expect(ids(await a.all('/feed', me, 2))).toEqual([...goodPosts].reverse())
    } finally {
      await setBlocked(t, bad.user.id, false)
    }
  })

  it('refuses bad cursors and limits with 400', async () => {
    const me = await register(t.app)
    expectProblem(await a.get('/feed?cursor=%%%', me), 400)
    expectProblem(await a.get('/feed?cursor=bm9wZQ', me), 400, 'invalid_cursor')
    expectProblem(
      await a.get(`/feed?cursor=${Buffer.from('["2024-02-30T00:00:00.000000Z",1]').toString('base64url')}`, me),
      400,
      'invalid_cursor',
    )
    expectProblem(await a.get('/feed?limit=0', me), 400, 'validation_failed')
    expectProblem(await a.get('/feed?limit=abc', me), 400, 'validation_failed')
    expectProblem(await a.get('/feed?page=2', me), 400, 'validation_failed')
  })
})

describe('explore', () => {
  it('shows everyone’s recent posts newest first, to anonymous callers too', async () => {
    const [u1, u2] = await Promise.all([register(t.app), register(t.app)])
    const made: number[] = []
    for (let i = 0; i < 5; i++) made.push((await a.createPost(i % 2 ? u1 : u2, `explore ${i}`)).id)
    await a.put(`/posts/${made[1]}/like`, u2)
    const anon = json(await a.get('/feed/explore?limit=5&sort=recent')).items
    expect(ids(anon)).toEqual([...made].reverse())
    expect(anon.every((p: { likedByMe: boolean }) => !p.likedByMe)).toBe(true)
    const signedIn = json(await a.get('/feed/explore?limit=5&sort=recent', u2)).items
    expect(signedIn.find((p: { id: number }) => p.id === made[1])).toMatchObject({ likedByMe: true, likeCount: 1 })
    const all = ids(await a.all('/feed/explore?sort=recent', null, 3))
    expect(new Set(all).size).toBe(all.length)
    expect(all.slice(0, 5)).toEqual([...made].reverse())
    expectProblem(await a.get('/feed/explore?sort=recent&cursor=abc'), 400, 'invalid_cursor')
  })
})

describe('query count', () => {
  it('assembles a page in the same number of statements whatever its size', async () => {
    const me = await register(t.app)
    const friends = await Promise.all(Array.from({ length: 4 }, () => register(t.app)))
    for (const f of friends) await a.follow(me, f.user.id)
    for (let i = 0; i < 24; i++) {
      const p = await a.createPost(friends[i % 4]!, `counted ${i}`)
      if (i % 2) await a.put(`/posts/${p.id}/like`, me)
    }
    await a.get('/feed?limit=1', me) // warm the session cache so auth costs the same both times

    const big = await countQueries(t, () => a.get('/feed?limit=20', me))
    const small = await countQueries(t, () => a.get('/feed?limit=5', me))
    expect(json(big.result).items).toHaveLength(20)
    expect(json(small.result).items).toHaveLength(5)
    expect(big.queries.length).toBe(small.queries.length)
    // skeleton, posts with authors and the viewer's likes in one statement
    const feedStatements = big.queries.filter((q) => /\b(posts|likes)\b/.test(q))
    expect(feedStatements).toEqual([HOME_PAGE_SQL])

    const exploreBig = await countQueries(t, () => a.get('/feed/explore?limit=20&sort=recent', me))
    const exploreSmall = await countQueries(t, () => a.get('/feed/explore?limit=5&sort=recent', me))
    expect(exploreBig.queries.length).toBe(exploreSmall.queries.length)
    expect(exploreBig.queries.filter((q) => /\b(posts|likes)\b/.test(q))).toEqual([EXPLORE_PAGE_SQL])
    // ranked: one statement per page inside the snapshot (12 posts here: three per author; ranked once, before counting)
    await a.get('/feed/explore?limit=1', me)
    const rankedBig = await countQueries(t, () => a.get('/feed/explore?limit=8', me))
    const rankedSmall = await countQueries(t, () => a.get('/feed/explore?limit=3', me))
    expect(rankedBig.queries.length).toBe(rankedSmall.queries.length)
    expect(rankedBig.queries.filter((q) => /\b(posts|likes)\b/.test(q))).toEqual([EXPLORE_RANKED_PAGE_SQL])
    const anonBig = await countQueries(t, () => a.get('/feed/explore?limit=20&sort=recent'))
    expect(anonBig.queries.filter((q) => /\b(posts|likes)\b/.test(q))).toEqual([EXPLORE_PAGE_SQL])

    const profileBig = await countQueries(t, () => a.get(`/users/${friends[0]!.user.id}/posts?limit=6`, me))
    const profileSmall = await countQueries(t, () => a.get(`/users/${friends[0]!.user.id}/posts?limit=2`, me))
    expect(profileBig.queries.length).toBe(profileSmall.queries.length)
    expect(profileBig.queries.filter((q) => /\b(posts|likes)\b/.test(q))).toEqual([USER_POSTS_SQL])
    const single = await countQueries(t, () => a.get(`/posts/${json(big.result).items[0].id}`, me))
    expect(single.queries.filter((q) => /\b(posts|likes)\b/.test(q))).toEqual([POST_SQL])
  })
})

describe('the window plan (viewers following many accounts)', () => {
  it('returns exactly the followed posts, in order, whether the recent window holds them or not', async () => {
    const me = await register(t.app)
    const db = t.ctx.database.db
    const exec = (q: SQL) => queryRows<Record<string, unknown>>(db, q)
    // More followed accounts than WINDOW_MIN_FOLLOWING, and a stranger, made in SQL (registering and
    // following over HTTP would hash hundreds of passwords); the counters are set as follows would.
    const n = WINDOW_MIN_FOLLOWING + 10
    const tag = `w${Date.now().toString(36)}`
    const made = await exec(sql`INSERT INTO users (email, username, password_hash, followers_count)
      SELECT ${tag} || g || '@example.test', ${tag} || g, 'x', (g <= ${n})::int FROM generate_series(1, ${n + 1}) g RETURNING id`)
    const created = made.map((r) => Number(r.id)).sort((x, y) => x - y)
    const followed = created.slice(0, n)
    const stranger = created[n]!
    await exec(sql`INSERT INTO follows (follower_id, following_id) SELECT ${me.user.id}, unnest(${`{${followed.join(',')}}`}::int[])`)
    await exec(sql`UPDATE users SET following_count = ${n} WHERE id = ${me.user.id}`)
    expect(json(await a.get(`/users/${me.user.id}`)).followingCount).toBe(n)

    // followed posts interleaved with a stranger's, all in the recent window
    const expected: number[] = []
    for (let i = 0; i < 40; i++) {
      const at = `2025-01-01 00:00:${String(i).padStart(2, '0')}.000001+00`
      const author = i % 4 === 3 ? stranger : i % 4 === 2 ? me.user.id : followed[i % n]!
      const [row] = await exec(
        sql`INSERT INTO posts (user_id, content, created_at, updated_at) VALUES (${author}, 'w', ${at}::timestamptz, ${at}::timestamptz) RETURNING id`,
      )
      if (author !== stranger) expected.push(Number(row!.id))
    }
    expect(ids(await a.all('/feed', me, 7))).toEqual([...expected].reverse())

    // then more of the stranger's posts than the window holds, all newer: the window finds no
    // followed post and the per-author plan answers instead
    await exec(sql`INSERT INTO posts (user_id, content, created_at, updated_at)
      SELECT ${stranger}, 'flood', ts, ts FROM (SELECT timestamptz '2025-06-01' + g * interval '1 second' AS ts FROM generate_series(1, 3100) g) s`)
    expect(ids(await a.all('/feed', me, 7))).toEqual([...expected].reverse())
    expect(ids(json(await a.get('/feed?limit=3', me)).items)).toEqual([...expected].reverse().slice(0, 3))
  })
})

describe('the feed SQL', () => {
  it('documents its parameters', () => {
    expect(homeFeedParams(7, { at: 'infinity', id: 2147483647 }, 20)).toEqual([7, 'infinity', 2147483647, WINDOW_MIN_FOLLOWING, 3000, 21])
    expect(exploreParams({ at: 'infinity', id: 2147483647 }, 20)).toEqual(['infinity', 2147483647, 21, null])
    expect(exploreParams({ at: 'infinity', id: 2147483647 }, 20, 7)).toEqual(['infinity', 2147483647, 21, 7])
    expect([...new Set(HOME_PAGE_SQL.match(/\$\d+/g))].sort()).toEqual(['$1', '$2', '$3', '$4', '$5', '$6'])
    expect([...new Set(EXPLORE_PAGE_SQL.match(/\$\d+/g))].sort()).toEqual(['$1', '$2', '$3', '$4'])
  })
})
