import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json, login, register, type Harness, type Session, type TestApp } from '../../test/helpers.js'
import { queryRows } from '../platform/db/rows.js'
import { describeDataset } from './describe.js'
import { seedDatabase, type SeedResult } from './seed.js'

const PASSWORD = 'seeded passphrase'
const asked = { users: 200, posts: 3000, likes: 6000, comments: 1500 }

let h: Harness
let t: TestApp
let existing: Session
let result: SeedResult
let indexesBefore: string[]

const rows = async <T = Record<string, unknown>>(text: string): Promise<T[]> => queryRows<T>(t.ctx.database.db, sql.raw(text))
const num = async (text: string) => Number(Object.values((await rows(text))[0]!)[0])
const indexDefinitions = async () =>
  (
    await rows<{ d: string }>(
      `SELECT indexdef AS d FROM pg_indexes WHERE tablename IN ('users','follows','posts','likes','comments','user_blocks','user_mutes') ORDER BY 1`,
    )
  ).map((r) => r.d)

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  // Someone already uses this database: the seed appends after them and leaves them alone.
  existing = await register(t.app)
  indexesBefore = await indexDefinitions()
  result = await seedDatabase(t.ctx.database, { ...asked, password: PASSWORD, randomSeed: 0.25 })
}, 120_000)
afterAll(async () => h.close())

describe('seed generator', () => {
  it('writes the rows asked for, after the ids already in use', async () => {
    expect(result.firstUserId).toBeGreaterThan(existing.user.id)
    expect(result.written.users).toBe(asked.users)
    expect(result.written.posts).toBe(asked.posts)
    // repeated (user, post) pairs collapse, so likes and comments may fall slightly short
    expect(result.written.likes).toBeLessThanOrEqual(asked.likes)
    expect(result.written.likes).toBeGreaterThan(asked.likes * 0.95)
    expect(result.written.comments).toBeLessThanOrEqual(asked.comments)
    expect(result.written.comments).toBeGreaterThan(asked.comments * 0.95)
    expect(result.written.follows).toBeGreaterThan(asked.users * 10)
    expect(result.written.blocks).toBeGreaterThan(0)
    expect(result.written.mutes).toBeGreaterThan(0)
    // ~10% of accounts are private
    expect(result.written.privateAccounts).toBeGreaterThan(asked.users * 0.05)
    expect(result.written.privateAccounts).toBeLessThan(asked.users * 0.15)
    const mine = await rows<{ followers_count: number; following_count: number; posts_count: number }>(
      `SELECT followers_count, following_count, posts_count FROM users WHERE id = ${existing.user.id}`,
    )
    expect(mine[0]).toEqual({ followers_count: 0, following_count: 0, posts_count: 0 })
  })

  it('keeps every counter column equal to the rows it counts', async () => {
    const mismatches = await rows(`
      SELECT 'followers' AS c, count(*)::int AS n FROM users u WHERE followers_count <> (SELECT count(*) FROM follows f WHERE f.following_id = u.id)
      UNION ALL SELECT 'following', count(*)::int FROM users u WHERE following_count <> (SELECT count(*) FROM follows f WHERE f.follower_id = u.id)
      UNION ALL SELECT 'posts', count(*)::int FROM users u WHERE posts_count <> (SELECT count(*) FROM posts p WHERE p.user_id = u.id AND NOT p.is_deleted)
      UNION ALL SELECT 'likes', count(*)::int FROM posts p WHERE like_count <> (SELECT count(*) FROM likes l WHERE l.post_id = p.id)
      UNION ALL SELECT 'comments', count(*)::int FROM posts p WHERE comment_count <> (SELECT count(*) FROM comments c WHERE c.post_id = p.id AND NOT c.is_deleted)
      UNION ALL SELECT 'replies', count(*)::int FROM comments c WHERE reply_count <> (SELECT count(*) FROM comments r WHERE r.parent_comment_id = c.id AND NOT r.is_deleted)`)
    expect(mismatches).toEqual(['followers', 'following', 'posts', 'likes', 'comments', 'replies'].map((c) => ({ c, n: 0 })))
  })

  it('writes only valid relations, in a believable order of events', async () => {
    const problems = await rows(`
      SELECT 'like of a missing post or user' AS c, count(*)::int AS n FROM likes l
        WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = l.post_id) OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.user_id)
      UNION ALL SELECT 'follow of a missing user', count(*)::int FROM follows f
        WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = f.follower_id) OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = f.following_id)
      UNION ALL SELECT 'comment on a missing post', count(*)::int FROM comments c WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id)
      UNION ALL SELECT 'reply to another post', count(*)::int FROM comments r JOIN comments c ON c.id = r.parent_comment_id WHERE c.post_id <> r.post_id
      UNION ALL SELECT 'reply before its parent', count(*)::int FROM comments r JOIN comments c ON c.id = r.parent_comment_id WHERE r.created_at < c.created_at OR r.id < c.id
      UNION ALL SELECT 'like before its post', count(*)::int FROM likes l JOIN posts p ON p.id = l.post_id WHERE l.created_at < p.created_at
      UNION ALL SELECT 'post before its author', count(*)::int FROM posts p JOIN users u ON u.id = p.user_id WHERE p.created_at < u.created_at
      UNION ALL SELECT 'self follow', count(*)::int FROM follows WHERE follower_id = following_id
      UNION ALL SELECT 'block or mute of a missing user', (
        (SELECT count(*) FROM user_blocks b WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = b.blocker_id) OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = b.blocked_id))
        + (SELECT count(*) FROM user_mutes m WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = m.muter_id) OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = m.muted_id)))::int
      UNION ALL SELECT 'follow between a blocking pair', count(*)::int FROM follows f JOIN user_blocks b
        ON (b.blocker_id, b.blocked_id) IN ((f.follower_id, f.following_id), (f.following_id, f.follower_id))
      UNION ALL SELECT 'like by the blocked on the blocker''s post', count(*)::int FROM likes l JOIN posts p ON p.id = l.post_id
        JOIN user_blocks b ON b.blocker_id = p.user_id AND b.blocked_id = l.user_id
      UNION ALL SELECT 'block before its people', count(*)::int FROM user_blocks b JOIN users x ON x.id = b.blocker_id JOIN users y ON y.id = b.blocked_id
        WHERE b.created_at < greatest(x.created_at, y.created_at) OR b.created_at > now()
      UNION ALL SELECT 'mute before its people', count(*)::int FROM user_mutes m JOIN users x ON x.id = m.muter_id JOIN users y ON y.id = m.muted_id
        WHERE m.created_at < greatest(x.created_at, y.created_at) OR m.created_at > now()
      UNION ALL SELECT 'post in the future', count(*)::int FROM posts WHERE created_at > now()
      UNION ALL SELECT 'post ids out of time order', count(*)::int FROM (
        SELECT created_at < lag(created_at) OVER (ORDER BY id) AS back FROM posts WHERE id >= ${result.firstUserId}) x WHERE back`)
    expect(problems.filter((p) => p.n !== 0)).toEqual([])
  })

  it('has the shape of a social network: skewed followers, months of posts, photos, threads', async () => {
    const s = await describeDataset(t.ctx.database.db)
    expect(s.followers.max).toBeGreaterThan(5 * s.followers.p50)
    expect(s.following.p50).toBeGreaterThan(10)
    expect(s.postsPerUser.max).toBeGreaterThan(5 * Math.max(1, s.postsPerUser.p50))
    expect(s.likesPerPost.max).toBeGreaterThan(5 * Math.max(1, s.likesPerPost.p50))
    expect(s.days).toBeGreaterThanOrEqual(150)
    expect(s.postsWithPhotos).toBeGreaterThan(0.3)
    expect(s.postsWithPhotos).toBeLessThan(0.5)
    expect(await num(`SELECT count(*) FROM comments WHERE parent_comment_id IS NULL`)).toBeGreaterThan(asked.comments * 0.6)
    expect(
      await num(`SELECT count(*) FROM comments r JOIN comments c ON c.id = r.parent_comment_id WHERE c.parent_comment_id IS NOT NULL`),
    ).toBeGreaterThan(0)
    expect(await num(`SELECT count(*) FROM posts WHERE is_deleted`)).toBeGreaterThan(0)
    // deleted posts say when, after they were written (media retention counts from then)
    expect(await num(`SELECT count(*) FROM posts WHERE is_deleted <> (deleted_at IS NOT NULL) OR deleted_at < created_at`)).toBe(0)
  })

  it('has a few people who block and mute a few accounts each, and private accounts with approved followers', async () => {
    const per = await rows<{ kind: string; people: number; most: number }>(`
      SELECT 'block' AS kind, count(*)::int AS people, max(n)::int AS most FROM (SELECT count(*) AS n FROM user_blocks GROUP BY blocker_id) b
      UNION ALL SELECT 'mute', count(*)::int, max(n)::int FROM (SELECT count(*) AS n FROM user_mutes GROUP BY muter_id) m`)
    for (const k of per) {
      expect(k.people).toBeGreaterThan(0)
      expect(k.people).toBeLessThan(asked.users * 0.06)
      expect(k.most).toBeLessThanOrEqual(5)
    }
    const s = await describeDataset(t.ctx.database.db)
    expect(s).toMatchObject({ blocks: result.written.blocks, mutes: result.written.mutes, privateAccounts: result.written.privateAccounts })
    // private accounts keep their followers (approved follows) and nobody waits on a request
    expect(await num(`SELECT count(*) FROM follows f JOIN users u ON u.id = f.following_id WHERE u.is_private`)).toBeGreaterThan(0)
    expect(await num(`SELECT count(*) FROM follow_requests`)).toBe(0)
  })

  it('writes captions with hashtags and mentions of real people, described photos and a few content warnings', async () => {
    const posts = await num(`SELECT count(*) FROM posts WHERE user_id >= ${result.firstUserId}`)
    const tagged = await num(`SELECT count(*) FROM posts WHERE user_id >= ${result.firstUserId} AND content ~ '#[[:alpha:]]'`)
    expect(tagged / posts).toBeGreaterThan(0.25)
    expect(tagged / posts).toBeLessThan(0.45)
    // the most used tag is on far more posts than the median one (a Zipf-like law)
    const perTag = await rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM posts, regexp_matches(content, '#([^[:space:]#]+)', 'g') m
       WHERE user_id >= ${result.firstUserId} GROUP BY m[1] ORDER BY n DESC`,
    )
    expect(perTag.length).toBeGreaterThan(20)
    expect(perTag[0]!.n).toBeGreaterThan(5 * perTag[Math.floor(perTag.length / 2)]!.n)
    // every mention names an existing person other than the author
    const mentions = await rows<{ author: number; mentioned: number | null }>(
      `SELECT p.user_id AS author, u.id AS mentioned FROM posts p
       CROSS JOIN LATERAL regexp_matches(p.content, '@([a-z0-9_]+)', 'g') m
       LEFT JOIN users u ON lower(u.username) = m[1]
       WHERE p.user_id >= ${result.firstUserId}`,
    )
    expect(mentions.length).toBeGreaterThan(posts * 0.03)
    expect(mentions.filter((m) => m.mentioned === null || m.mentioned === m.author)).toEqual([])
    const photos = await rows<{ described: number; all: number }>(
      `SELECT count(*) FILTER (WHERE i->>'alt' <> '')::int AS described, count(*)::int AS "all"
       FROM posts, json_array_elements(image_urls) i WHERE user_id >= ${result.firstUserId} AND image_urls IS NOT NULL`,
    )
    expect(photos[0]!.described / photos[0]!.all).toBeGreaterThan(0.35)
    expect(photos[0]!.described / photos[0]!.all).toBeLessThan(0.65)
    const warned = await rows<{ n: number; spoilers: number }>(
      `SELECT count(*)::int AS n, count(spoiler_text)::int AS spoilers FROM posts WHERE sensitive AND user_id >= ${result.firstUserId}`,
    )
    expect(warned[0]!.n).toBeGreaterThan(0)
    expect(warned[0]!.spoilers).toBe(warned[0]!.n)
  })

  it('keeps what the tags feature keeps: tags with live-post counters, their links, trending use and mentions', async () => {
    // a caption may repeat a tag: the post carries it once
    const livePostTags = await num(
      `SELECT count(DISTINCT (id, m[1])) FROM posts, regexp_matches(content, '#([^[:space:]#]+)', 'g') m WHERE NOT is_deleted AND user_id >= ${result.firstUserId}`,
    )
    expect(await num(`SELECT count(*) FROM post_hashtags WHERE user_id >= ${result.firstUserId}`)).toBe(livePostTags)
    expect(
      await rows(`SELECT h.name FROM hashtags h WHERE post_count <> (SELECT count(*) FROM post_hashtags ph WHERE ph.hashtag_id = h.id)`),
    ).toEqual([])
    expect(await num(`SELECT sum(uses) FROM hashtag_usage`)).toBe(livePostTags)
    expect(
      await num(
        `SELECT count(*) FROM post_hashtags ph JOIN posts p ON p.id = ph.post_id WHERE p.is_deleted OR p.created_at <> ph.created_at`,
      ),
    ).toBe(0)
    expect(await num(`SELECT count(*) FROM hashtags WHERE name IN ('café', '東京')`)).toBe(2)
    const mentions = await num(
      `SELECT count(*) FROM posts, regexp_matches(content, '@([a-z0-9_]+)', 'g') m WHERE user_id >= ${result.firstUserId}`,
    )
    expect(await num(`SELECT count(*) FROM post_mentions`)).toBe(mentions)
  })

  it('rebuilds the indexes it dropped, exactly as the migrations made them', async () => {
    expect(await indexDefinitions()).toEqual(indexesBefore)
  })

  it('gives seeded users the password, a home feed and threads the API serves', async () => {
    const [busy] = await rows<{ username: string; id: number; following_count: number }>(
      `SELECT username, id, following_count FROM users WHERE id >= ${result.firstUserId} AND NOT is_blocked ORDER BY following_count DESC LIMIT 1`,
    )
    const s = await login(t.app, busy!.username, PASSWORD)
    const feed = json(await t.app.inject({ url: '/api/hearth/v1/feed?limit=50', headers: s.headers }))
    expect(feed.items.length).toBe(50)
    const authors = new Set(
      (await rows<{ id: number }>(`SELECT following_id AS id FROM follows WHERE follower_id = ${busy!.id}`))
        .map((r) => r.id)
        .concat(busy!.id),
    )
    for (const p of feed.items) expect(authors.has(p.author.id)).toBe(true)

    const withPhotos = json(await t.app.inject({ url: '/api/hearth/v1/feed/explore?limit=100', headers: s.headers })).items.find(
      (p: { images: unknown[] }) => p.images.length > 0,
    )
    const image = withPhotos.images[0]
    expect(image).toMatchObject({
      width: expect.any(Number),
      height: expect.any(Number),
      thumbWidth: expect.any(Number),
      placeholder: expect.any(String),
    })
    expect(image.url).toMatch(/^data:image\/svg\+xml,/)

    const [discussed] = await rows<{ id: number; like_count: number }>(
      `SELECT p.id, p.like_count FROM posts p JOIN users u ON u.id = p.user_id
       WHERE NOT p.is_deleted AND NOT u.is_blocked AND NOT u.is_private
         AND NOT EXISTS (SELECT 1 FROM user_blocks b WHERE (b.blocker_id, b.blocked_id) IN ((u.id, ${busy!.id}), (${busy!.id}, u.id)))
       ORDER BY p.comment_count DESC LIMIT 1`,
    )
    const post = json(await t.app.inject({ url: `/api/hearth/v1/posts/${discussed!.id}`, headers: s.headers }))
    expect(post.likeCount).toBe(discussed!.like_count)
    const thread = await t.app.inject({ url: `/api/hearth/v1/posts/${discussed!.id}/comments`, headers: s.headers })
    expect(thread.statusCode).toBe(200)
    expect(json(thread).items.length).toBeGreaterThan(0)
  })

  it('makes private accounts the API keeps to their approved followers', async () => {
    const [pair] = await rows<{ owner: number; follower: string; stranger: string }>(`
      SELECT u.id AS owner, fu.username AS follower, su.username AS stranger
      FROM users u
      JOIN LATERAL (SELECT x.username FROM follows f JOIN users x ON x.id = f.follower_id
        WHERE f.following_id = u.id AND NOT x.is_blocked ORDER BY x.id LIMIT 1) fu ON true
      JOIN LATERAL (SELECT x.username FROM users x WHERE x.id >= ${result.firstUserId} AND x.id <> u.id AND NOT x.is_blocked AND x.role <> 'admin'
        AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = x.id AND f.following_id = u.id) ORDER BY x.id LIMIT 1) su ON true
      WHERE u.is_private AND NOT u.is_blocked AND u.posts_count > 0 AND u.id >= ${result.firstUserId}
      ORDER BY u.posts_count DESC LIMIT 1`)
    const url = `/api/hearth/v1/users/${pair!.owner}/posts`
    const asFollower = await t.app.inject({ url, headers: (await login(t.app, pair!.follower, PASSWORD)).headers })
    expect(asFollower.statusCode).toBe(200)
    expect(json(asFollower).items.length).toBeGreaterThan(0)
    const asStranger = await t.app.inject({ url, headers: (await login(t.app, pair!.stranger, PASSWORD)).headers })
    expect(asStranger.statusCode).toBe(403)
    expect(json(asStranger).code).toBe('private_account')
  })

  it('leaves the id sequences after the seeded rows, so the app keeps writing', async () => {
    const maxPost = await num(`SELECT max(id) FROM posts`)
    const [u] = await rows<{ username: string }>(`SELECT username FROM users WHERE id = ${result.firstUserId + 5}`)
    const s = await login(t.app, u!.username, PASSWORD)
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/hearth/v1/posts',
      headers: s.headers,
      payload: { content: 'after the seed' },
    })
    expect(created.statusCode).toBe(201)
    expect(json(created).id).toBeGreaterThan(maxPost)
    const newcomer = await register(t.app)
    expect(newcomer.user.id).toBeGreaterThan(result.firstUserId + asked.users - 1)
  })
})
