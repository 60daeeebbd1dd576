import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notifications } from '../../db/schema.js'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { api, setBlocked, userCounters } from '../posts/test-support.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

const expectCountersTrue = async (...ids: number[]) => {
  for (const id of ids) {
    const c = await userCounters(t, id)
    expect(c.followersCount).toBe(c.followersRows)
    expect(c.followingCount).toBe(c.followingRows)
  }
}

describe('follow and unfollow', () => {
  it('is idempotent both ways and keeps the profile counts right', async () => {
    const alice = await register(t.app)
    const bob = await register(t.app)
    expect(json(await a.put(`/users/${bob.user.id}/follow`, alice))).toEqual({
      userId: bob.user.id,
      state: 'following',
      isFollowing: true,
      followersCount: 1,
    })
    expect(json(await a.put(`/users/${bob.user.id}/follow`, alice))).toEqual({
      userId: bob.user.id,
      state: 'following',
      isFollowing: true,
      followersCount: 1,
    })
    expect(json(await a.get(`/users/${bob.user.id}`, alice))).toMatchObject({ followersCount: 1, followingCount: 0, isFollowing: true })
    expect(json(await a.get(`/users/${alice.user.id}`, alice))).toMatchObject({
      followersCount: 0,
      followingCount: 1,
      isFollowing: false,
      isMe: true,
    })
    expect(json(await a.get(`/users/${bob.user.id}`))).toMatchObject({ followersCount: 1, isFollowing: false })
    expect(json(await a.del(`/users/${bob.user.id}/follow`, alice))).toEqual({
      userId: bob.user.id,
      state: 'none',
      isFollowing: false,
      followersCount: 0,
    })
    expect(json(await a.del(`/users/${bob.user.id}/follow`, alice))).toEqual({
      userId: bob.user.id,
      state: 'none',
      isFollowing: false,
      followersCount: 0,
    })
    expect(json(await a.get(`/users/${bob.user.id}`, alice))).toMatchObject({ followersCount: 0, isFollowing: false })
    await expectCountersTrue(alice.user.id, bob.user.id)
  })

  it('keeps counters right under concurrent follows, unfollows and mutual follows', async () => {
    const star = await register(t.app)
    const fans = await Promise.all(Array.from({ length: 8 }, () => register(t.app)))
    // each fan follows twice at once; the star follows everyone back at the same moment
    await Promise.all([
      ...fans.flatMap((f) => [a.put(`/users/${star.user.id}/follow`, f), a.put(`/users/${star.user.id}/follow`, f)]),
      ...fans.map((f) => a.put(`/users/${f.user.id}/follow`, star)),
    ])
    let c = await userCounters(t, star.user.id)
    expect(c).toMatchObject({ followersCount: 8, followingCount: 8 })
    await Promise.all(
      fans.slice(0, 5).flatMap((f) => [a.del(`/users/${star.user.id}/follow`, f), a.del(`/users/${star.user.id}/follow`, f)]),
    )
    c = await userCounters(t, star.user.id)
    expect(c.followersCount).toBe(3)
    await expectCountersTrue(star.user.id, ...fans.map((f) => f.user.id))
  })

  it('refuses following yourself, unknown or blocked users, anonymous callers and bad ids', async () => {
    const u = await register(t.app)
    const blocked = await register(t.app)
    expectProblem(await a.put(`/users/${u.user.id}/follow`, u), 400, 'cannot_follow_self')
    expectProblem(await a.del(`/users/${u.user.id}/follow`, u), 400, 'cannot_follow_self')
    expectProblem(await a.put('/users/2147483647/follow', u), 404, 'not_found')
    expectProblem(await a.put(`/users/${blocked.user.id}/follow`, null), 401)
    expectProblem(await a.del(`/users/${blocked.user.id}/follow`, null), 401)
    expectProblem(await a.put('/users/abc/follow', u), 400, 'validation_failed')
    expectProblem(await a.put('/users/0/follow', u), 400, 'validation_failed')
    await setBlocked(t, blocked.user.id, true)
    try {
      expectProblem(await a.put(`/users/${blocked.user.id}/follow`, u), 404, 'not_found')
      expectProblem(await a.get(`/users/${blocked.user.id}/followers`), 404)
    } finally {
      await setBlocked(t, blocked.user.id, false)
    }
    expect((await userCounters(t, u.user.id)).followingCount).toBe(0)
  })

  it('notifies the followed user, once within the repeat window', async () => {
    const alice = await register(t.app)
    const bob = await register(t.app)
    await a.follow(alice, bob.user.id)
    await a.del(`/users/${bob.user.id}/follow`, alice)
    await a.follow(alice, bob.user.id)
    const rows = await t.ctx.database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, bob.user.id), eq(notifications.type, 'follow')))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ relatedUserId: alice.user.id, message: `${alice.user.username} started following you` })
  })
})

describe('followers and following lists', () => {
  it('page newest first with no repeats or gaps, say whether the caller follows each, and hide blocked users', async () => {
    const star = await register(t.app)
    const viewer = await register(t.app)
    const fans: Session[] = []
    for (let i = 0; i < 7; i++) {
      const f = await register(t.app)
      await a.follow(f, star.user.id)
      fans.push(f)
    }
    await a.follow(viewer, fans[1]!.user.id)
    const followers = await a.all(`/users/${star.user.id}/followers`, viewer, 3)
    expect(followers.map((u: { id: number }) => u.id)).toEqual(fans.map((f) => f.user.id).reverse())
    expect(followers.find((u: { id: number }) => u.id === fans[1]!.user.id).isFollowing).toBe(true)
    expect(followers.filter((u: { isFollowing: boolean }) => u.isFollowing)).toHaveLength(1)
    expect(followers[0]).toMatchObject({ username: fans[6]!.user.username, followedAt: expect.any(String) })
    expect(followers[0]).not.toHaveProperty('email')

    const following = await a.all(`/users/${fans[0]!.user.id}/following`, null, 1)
    expect(following.map((u: { id: number }) => u.id)).toEqual([star.user.id])
    expect(following[0].isFollowing).toBe(false)

    await setBlocked(t, fans[2]!.user.id, true)
    try {
      const visible = await a.all(`/users/${star.user.id}/followers`, null, 2)
      expect(visible.map((u: { id: number }) => u.id)).not.toContain(fans[2]!.user.id)
      expect(visible).toHaveLength(6)
    } finally {
      await setBlocked(t, fans[2]!.user.id, false)
    }
  })

  it('404 for unknown users, 400 for bad cursors and limits', async () => {
    const u = await register(t.app)
    expectProblem(await a.get('/users/2147483647/followers'), 404)
    expectProblem(await a.get('/users/2147483647/following'), 404)
    expectProblem(await a.get(`/users/${u.user.id}/followers?cursor=abc`), 400, 'invalid_cursor')
    expectProblem(
      await a.get(`/users/${u.user.id}/following?cursor=${Buffer.from('["x",1]').toString('base64url')}`),
      400,
      'invalid_cursor',
    )
    expectProblem(await a.get(`/users/${u.user.id}/following?limit=500`), 400, 'validation_failed')
  })
})
