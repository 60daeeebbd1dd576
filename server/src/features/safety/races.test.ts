// Races of issue 13: a block, a follow request, an acceptance or an account going public at the
// same moment as the writes it must win against or include. Each round fires the requests at
// once (Promise.all over app.inject); afterwards every outcome is one of those a serial order
// allows, nothing answered 5xx (a deadlock or a unique violation would), and every counter equals
// the rows it counts. On PGlite the statements of concurrent requests are serialized, on
// PostgreSQL they interleave: both run.
import { and, eq, sql } from 'drizzle-orm'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { comments, followRequests, follows, likes, notifications, posts } from '../../db/schema.js'
import { createHarness, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { api, postCounters, userCounters } from '../posts/test-support.js'

const ROUNDS = 12

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

const db = () => t.ctx.database.db

/** The answer's status, which must be one of `allowed` (a refusal must be the documented one, never a 5xx). */
function expectStatus(res: LightMyRequestResponse, allowed: number[], what: string) {
  expect(allowed, `${what}: ${res.statusCode} ${res.body}`).toContain(res.statusCode)
  return res.statusCode
}

async function expectCountersRight(...sessions: Session[]) {
  for (const s of sessions) {
    const c = await userCounters(t, s.user.id)
    expect({ user: s.user.username, followers: c.followersCount, following: c.followingCount }).toEqual({
      user: s.user.username,
      followers: c.followersRows,
      following: c.followingRows,
    })
  }
}

async function followRows(follower: Session, following: Session) {
  const [row] = await db()
    .select({ n: sql<number>`count(*)::int` })
    .from(follows)
    .where(and(eq(follows.followerId, follower.user.id), eq(follows.followingId, following.user.id)))
  return row!.n
}

async function requestRows(requester: Session, target: Session) {
  const [row] = await db()
    .select({ n: sql<number>`count(*)::int` })
    .from(followRequests)
    .where(and(eq(followRequests.requesterId, requester.user.id), eq(followRequests.targetId, target.user.id)))
  return row!.n
}

describe('a block racing the blocked person’s writes', () => {
  it('leaves no follow either way, no like, no visible comment and no notification of theirs, with counters right', async () => {
    const [blocker, blocked, third] = [await register(t.app), await register(t.app), await register(t.app)]
    const post = await a.createPost(blocker, 'mine')
    for (let round = 0; round < ROUNDS; round++) {
      // before each round: no block, and the blocked person already follows (the block must end it)
      expectStatus(await a.del(`/users/${blocked.user.id}/block`, blocker), [204], 'unblock')
      expectStatus(await a.put(`/users/${blocker.user.id}/follow`, blocked), [200], 'follow before the round')
      const [block, follow, like, comment, followBack, thirdFollows, thirdLikes] = await Promise.all([
        a.put(`/users/${blocked.user.id}/block`, blocker),
        a.put(`/users/${blocker.user.id}/follow`, blocked),
        a.put(`/posts/${post.id}/like`, blocked),
        a.post(`/posts/${post.id}/comments`, blocked, { content: `round ${round}` }),
        a.put(`/users/${blocked.user.id}/follow`, blocker),
        round % 2 === 0 ? a.put(`/users/${blocker.user.id}/follow`, third) : a.del(`/users/${blocker.user.id}/follow`, third),
        round % 2 === 0 ? a.put(`/posts/${post.id}/like`, third) : a.del(`/posts/${post.id}/like`, third),
      ])
      expectStatus(block, [204], 'block')
      expectStatus(follow, [200, 404], 'the blocked person follows')
      expectStatus(like, [200, 404], 'the blocked person likes')
      expectStatus(comment, [201, 404], 'the blocked person comments')
      const back = expectStatus(followBack, [200, 403], 'the blocker follows back')
      if (back === 403) expect(json(followBack).code).toBe('blocking')
      expectStatus(thirdFollows, [200], 'a third person follows or unfollows')
      expectStatus(thirdLikes, [200], 'a third person likes or unlikes')

      expect(await followRows(blocked, blocker)).toBe(0)
      expect(await followRows(blocker, blocked)).toBe(0)
      const [liked] = await db()
        .select({ n: sql<number>`count(*)::int` })
        .from(likes)
        .where(and(eq(likes.userId, blocked.user.id), eq(likes.postId, post.id)))
      expect(liked!.n).toBe(0)
      const [commented] = await db()
        .select({ n: sql<number>`count(*)::int` })
        .from(comments)
        .where(and(eq(comments.userId, blocked.user.id), eq(comments.postId, post.id), eq(comments.isDeleted, false)))
      expect(commented!.n).toBe(0)
      const [notified] = await db()
        .select({ n: sql<number>`count(*)::int` })
        .from(notifications)
        .where(and(eq(notifications.userId, blocker.user.id), eq(notifications.relatedUserId, blocked.user.id)))
      expect(notified!.n).toBe(0)
      const pc = await postCounters(t, post.id)
      expect({ likes: pc.likeCount, comments: pc.commentCount }).toEqual({ likes: pc.likeRows, comments: pc.commentRows })
      await expectCountersRight(blocker, blocked, third)
    }
  }, 120_000)

  it('racing a follow request to a private blocker and its acceptance, leaves neither request nor follow', async () => {
    const blocker = await register(t.app)
    const blocked = await register(t.app)
    await a.patch('/users/me', blocker, { isPrivate: true })
    for (let round = 0; round < ROUNDS; round++) {
      expectStatus(await a.del(`/users/${blocked.user.id}/block`, blocker), [204], 'unblock')
      expectStatus(await a.put(`/users/${blocker.user.id}/follow`, blocked), [202], 'a request')
      const [block, accept, again] = await Promise.all([
        a.put(`/users/${blocked.user.id}/block`, blocker),
        a.post(`/follow-requests/${blocked.user.id}/accept`, blocker),
        a.put(`/users/${blocker.user.id}/follow`, blocked),
      ])
      expectStatus(block, [204], 'block')
      if (expectStatus(accept, [204, 404], 'accept') === 404) expect(json(accept).code).toBe('follow_request_not_found')
      // 200 when the acceptance came first (the request is then a follow), until the block ends it
      expectStatus(again, [200, 202, 404], 'the request sent again')
      expect(await requestRows(blocked, blocker)).toBe(0)
      expect(await followRows(blocked, blocker)).toBe(0)
      await expectCountersRight(blocker, blocked)
    }
  })

  it('blocks between many pairs at once, while third people follow both sides, keep every counter right', async () => {
    const pairs = await Promise.all(Array.from({ length: 4 }, async () => [await register(t.app), await register(t.app)] as const))
    const others = await Promise.all(Array.from({ length: 4 }, () => register(t.app)))
    for (let round = 0; round < ROUNDS / 2; round++) {
      for (const [x, y] of pairs) {
        await a.del(`/users/${y.user.id}/block`, x)
        await a.follow(x, y.user.id)
        await a.follow(y, x.user.id)
      }
      const writes = pairs.flatMap(([x, y]) => [
        a.put(`/users/${y.user.id}/block`, x),
        ...others.flatMap((o, i) =>
          (round + i) % 2 === 0
            ? [a.put(`/users/${x.user.id}/follow`, o), a.put(`/users/${y.user.id}/follow`, o)]
            : [a.del(`/users/${x.user.id}/follow`, o), a.del(`/users/${y.user.id}/follow`, o)],
        ),
        // each side follows the other's follower at the same time (a cycle of row locks)
        ...others.slice(0, 2).map((o) => a.put(`/users/${o.user.id}/follow`, round % 2 === 0 ? x : y)),
      ])
      for (const res of await Promise.all(writes)) expectStatus(res, [200, 204], 'a block or a follow')
      for (const [x, y] of pairs) {
        expect(await followRows(x, y)).toBe(0)
        expect(await followRows(y, x)).toBe(0)
      }
      await expectCountersRight(...pairs.flat(), ...others)
    }
  }, 120_000)
})

describe('follow requests', () => {
  it('sent several times at once make one request and one notification', async () => {
    for (let round = 0; round < ROUNDS / 2; round++) {
      const owner = await register(t.app)
      const fan = await register(t.app)
      expectStatus(await a.patch('/users/me', owner, { isPrivate: true }), [200], 'going private')
      const answers = await Promise.all(Array.from({ length: 5 }, () => a.put(`/users/${owner.user.id}/follow`, fan)))
      for (const res of answers) {
        expectStatus(res, [202], 'a follow request')
        expect(json(res)).toMatchObject({ state: 'requested', isFollowing: false, followersCount: 0 })
      }
      expect(await requestRows(fan, owner)).toBe(1)
      const notes = json(await a.get('/notifications', owner)).items as { type: string }[]
      expect(notes.filter((n) => n.type === 'follow_request')).toHaveLength(1)
      expect(json(await a.get('/follow-requests/count', owner)).count).toBe(1)
    }
  })

  it('follows of a public account sent several times at once make one follow, counted once', async () => {
    const star = await register(t.app)
    const fan = await register(t.app)
    const answers = await Promise.all(Array.from({ length: 6 }, () => a.put(`/users/${star.user.id}/follow`, fan)))
    for (const res of answers) expectStatus(res, [200], 'a follow')
    expect(await followRows(fan, star)).toBe(1)
    await expectCountersRight(star, fan)
  })

  it('accepted and withdrawn at once end in one outcome: a follow and no request, or neither', async () => {
    const owner = await register(t.app)
    await a.patch('/users/me', owner, { isPrivate: true })
    const fans = await Promise.all(Array.from({ length: 3 }, () => register(t.app)))
    for (let round = 0; round < ROUNDS; round++) {
      const fan = fans[round % fans.length]!
      expectStatus(await a.put(`/users/${owner.user.id}/follow`, fan), [202], 'a request')
      const [accept, withdraw] = await Promise.all([
        a.post(`/follow-requests/${fan.user.id}/accept`, owner),
        a.del(`/users/${owner.user.id}/follow`, fan),
      ])
      const accepted = expectStatus(accept, [204, 404], 'accept') === 204
      if (!accepted) expect(json(accept).code).toBe('follow_request_not_found')
      expect(json(withdraw)).toMatchObject({ state: 'none', isFollowing: false })
      // the withdrawal ends the follow too when the acceptance came first: never a follow with a request
      expect(await requestRows(fan, owner)).toBe(0)
      expect(await followRows(fan, owner)).toBe(0)
      await expectCountersRight(owner, fan)
    }
  })

  it('accepted and rejected at once: exactly one answer wins', async () => {
    const owner = await register(t.app)
    await a.patch('/users/me', owner, { isPrivate: true })
    const fans = await Promise.all(Array.from({ length: 3 }, () => register(t.app)))
    for (let round = 0; round < ROUNDS; round++) {
      const fan = fans[round % fans.length]!
      await a.del(`/users/${owner.user.id}/follow`, fan)
      expectStatus(await a.put(`/users/${owner.user.id}/follow`, fan), [202], 'a request')
      const [accept, reject] = await Promise.all([
        a.post(`/follow-requests/${fan.user.id}/accept`, owner),
        a.post(`/follow-requests/${fan.user.id}/reject`, owner),
      ])
      const statuses = [expectStatus(accept, [204, 404], 'accept'), expectStatus(reject, [204, 404], 'reject')]
      expect(statuses.sort()).toEqual([204, 404])
      expect(await requestRows(fan, owner)).toBe(0)
      expect(await followRows(fan, owner)).toBe(accept.statusCode === 204 ? 1 : 0)
      await expectCountersRight(owner, fan)
    }
  })

  it('an account going public while requests arrive and are withdrawn accepts exactly those still pending', async () => {
    for (let round = 0; round < ROUNDS / 2; round++) {
      const owner = await register(t.app)
      await a.patch('/users/me', owner, { isPrivate: true })
      const pending = await Promise.all(Array.from({ length: 3 }, () => register(t.app)))
      const withdrawing = await Promise.all(Array.from({ length: 2 }, () => register(t.app)))
      const newcomers = await Promise.all(Array.from({ length: 4 }, () => register(t.app)))
      for (const f of [...pending, ...withdrawing]) expectStatus(await a.put(`/users/${owner.user.id}/follow`, f), [202], 'a request')
      const [goPublic, ...rest] = await Promise.all([
        a.patch('/users/me', owner, { isPrivate: false }),
        ...newcomers.map((f) => a.put(`/users/${owner.user.id}/follow`, f)),
        ...withdrawing.map((f) => a.del(`/users/${owner.user.id}/follow`, f)),
      ])
      expectStatus(goPublic, [200], 'going public')
      for (const res of rest.slice(0, newcomers.length)) expectStatus(res, [200, 202], 'a follow or a request')
      for (const res of rest.slice(newcomers.length)) expectStatus(res, [200], 'a withdrawal')
      // whatever the order: the pending and the newcomers follow, the withdrawn do not, no request is left
      for (const f of [...pending, ...newcomers]) expect(await followRows(f, owner), f.user.username).toBe(1)
      for (const f of withdrawing) expect(await followRows(f, owner), f.user.username).toBe(0)
      const [left] = await db()
        .select({ n: sql<number>`count(*)::int` })
        .from(followRequests)
        .where(eq(followRequests.targetId, owner.user.id))
      expect(left!.n).toBe(0)
      await expectCountersRight(owner, ...pending, ...withdrawing, ...newcomers)
    }
  }, 120_000)
})

describe('a block racing comments on the blocker’s posts', () => {
  it('never leaves a live comment of the blocked person in any thread of the blocker, and reply counters right', async () => {
    const blocker = await register(t.app)
    const blocked = await register(t.app)
    const third = await register(t.app)
    const post = await a.createPost(blocker, 'a thread')
    const root = await a.comment(third, post.id, 'a root comment')
    for (let round = 0; round < ROUNDS; round++) {
      await a.del(`/users/${blocked.user.id}/block`, blocker)
      const [block, ...replies] = await Promise.all([
        a.put(`/users/${blocked.user.id}/block`, blocker),
        a.post(`/posts/${post.id}/comments`, blocked, { content: 'reply', parentCommentId: root.id }),
        a.post(`/posts/${post.id}/comments`, blocked, { content: 'top level' }),
        a.post(`/posts/${post.id}/comments`, third, { content: 'a bystander', parentCommentId: root.id }),
      ])
      expectStatus(block, [204], 'block')
      expectStatus(replies[0], [201, 404], 'the blocked person replies')
      expectStatus(replies[1], [201, 404], 'the blocked person comments')
      expectStatus(replies[2], [201], 'a third person replies')
    }
    const [live] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(comments)
      .innerJoin(posts, eq(posts.id, comments.postId))
      .where(and(eq(comments.userId, blocked.user.id), eq(posts.userId, blocker.user.id), eq(comments.isDeleted, false)))
    expect(live!.n).toBe(0)
    const pc = await postCounters(t, post.id)
    expect({ comments: pc.commentCount }).toEqual({ comments: pc.commentRows })
    const [replyCount] = await db()
      .select({
        counter: comments.replyCount,
        rows: sql<number>`(SELECT count(*)::int FROM comments r WHERE r.parent_comment_id = ${root.id} AND NOT r.is_deleted)`,
      })
      .from(comments)
      .where(eq(comments.id, root.id))
    expect(replyCount!.counter).toBe(replyCount!.rows)
  }, 120_000)
})
