// Blocks, mutes and private accounts through the API, on both engines. The walk over every route
// as a blocked user / non-follower lives in visibility-walk.test.ts; races in races.test.ts.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db/rows.js'
import { createHarness, expectProblem, json, register, type Harness, type TestApp } from '../../../test/helpers.js'
import { api, postCounters, userCounters } from '../posts/test-support.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

const ids = (body: { items: { id: number }[] }) => body.items.map((i) => i.id)

describe('blocks', () => {
  it('work both ways: follows end with counters right, likes and comments leave the blocker’s posts, nothing is visible', async () => {
    const ana = await register(t.app)
    const ben = await register(t.app)
    await a.follow(ana, ben.user.id)
    await a.follow(ben, ana.user.id)
    const anaPost = await a.createPost(ana, 'ana writes')
    const benPost = await a.createPost(ben, 'ben writes')
    expect((await a.put(`/posts/${anaPost.id}/like`, ben)).statusCode).toBe(200)
    await a.comment(ben, anaPost.id, 'ben comments')

    const storedEventsFromBen = async () => {
      const rows = await queryRows<{ n: number }>(
        t.ctx.database.db,
        sql`SELECT count(*)::int AS n FROM stream_events WHERE user_id = ${ana.user.id} AND type = 'notification.created'
            AND (data -> 'notification' -> 'actor' ->> 'id')::int = ${ben.user.id}`,
      )
      return Number(rows[0]!.n)
    }
    expect(await storedEventsFromBen()).toBeGreaterThan(0)

    expect((await a.put(`/users/${ben.user.id}/block`, ana)).statusCode).toBe(204)
    expect((await a.put(`/users/${ben.user.id}/block`, ana)).statusCode).toBe(204)
    // an unblock must not let a catch-up replay them
    expect(await storedEventsFromBen()).toBe(0)

    for (const id of [ana.user.id, ben.user.id]) {
      const c = await userCounters(t, id)
      expect(c).toMatchObject({ followersCount: 0, followingCount: 0, followersRows: 0, followingRows: 0 })
    }
    expect(await postCounters(t, anaPost.id)).toMatchObject({ likeCount: 0, commentCount: 0 })

    // the blocked side: the blocker does not exist
    expectProblem(await a.get(`/users/${ana.user.id}`, ben), 404, 'not_found')
    expectProblem(await a.get(`/posts/${anaPost.id}`, ben), 404, 'not_found')
    expectProblem(await a.put(`/posts/${anaPost.id}/like`, ben), 404, 'not_found')
    expectProblem(await a.post(`/posts/${anaPost.id}/comments`, ben, { content: 'hi' }), 404, 'not_found')
    expectProblem(await a.put(`/users/${ana.user.id}/follow`, ben), 404, 'not_found')
    expectProblem(await a.get(`/users/${ana.user.id}/relationship`, ben), 404, 'not_found')
    // the blocker sees the header (to unblock) but no posts, and cannot follow
    expect(json(await a.get(`/users/${ben.user.id}`, ana))).toMatchObject({ blocking: true, canSeePosts: false, isFollowing: false })
    expectProblem(await a.get(`/posts/${benPost.id}`, ana), 404, 'not_found')
    expectProblem(await a.get(`/users/${ben.user.id}/posts`, ana), 403, 'blocking')
    expectProblem(await a.put(`/users/${ben.user.id}/follow`, ana), 403, 'blocking')
    expect(json(await a.get(`/users/${ben.user.id}/relationship`, ana))).toEqual({
      id: ben.user.id,
      following: false,
      requested: false,
      followedBy: false,
      blocking: true,
      blockedBy: false,
      muting: false,
    })
    expect(ids(json(await a.get('/blocks', ana)))).toEqual([ben.user.id])
    expect(ids(json(await a.get('/feed/explore', ana)))).not.toContain(benPost.id)
    expect(ids(json(await a.get('/feed/explore', ben)))).not.toContain(anaPost.id)
    expect(json(await a.get(`/users?q=${ana.user.username}`, ben)).items).toEqual([])

    expect((await a.del(`/users/${ben.user.id}/block`, ana)).statusCode).toBe(204)
    expect(json(await a.get(`/posts/${anaPost.id}`, ben)).id).toBe(anaPost.id)
    expect(json(await a.get('/blocks', ana)).items).toEqual([])
  })

  it('refuses blocking or muting yourself, and unknown users', async () => {
    const ana = await register(t.app)
    expectProblem(await a.put(`/users/${ana.user.id}/block`, ana), 400, 'cannot_block_self')
    expectProblem(await a.put(`/users/${ana.user.id}/mute`, ana), 400, 'cannot_mute_self')
    expectProblem(await a.put(`/users/999999/block`, ana), 404, 'not_found')
    expectProblem(await a.put(`/users/999999/mute`, ana), 404, 'not_found')
    expectProblem(await a.put(`/users/1/block`, null), 401)
  })
})

describe('mutes', () => {
  it('take the muted person out of the muter’s home feed, explore and notifications, and nothing else', async () => {
    const ana = await register(t.app)
    const ben = await register(t.app)
    await a.follow(ana, ben.user.id)
    const anaPost = await a.createPost(ana, 'ana writes')
    expect((await a.put(`/users/${ben.user.id}/mute`, ana)).statusCode).toBe(204)
    const benPost = await a.createPost(ben, 'ben writes')
    expect(ids(json(await a.get('/feed', ana)))).not.toContain(benPost.id)
    expect(ids(json(await a.get('/feed/explore', ana)))).not.toContain(benPost.id)
    expect(json(await a.get(`/posts/${benPost.id}`, ana)).id).toBe(benPost.id)
    expect(json(await a.get(`/users/${ben.user.id}`, ana))).toMatchObject({ muting: true, isFollowing: true, canSeePosts: true })
    // ben cannot tell
    expect(json(await a.get(`/users/${ana.user.id}`, ben))).toMatchObject({ muting: false, blocking: false, followedBy: true })
    await a.put(`/posts/${anaPost.id}/like`, ben)
    await a.comment(ben, anaPost.id, 'hello')
    const notes = json(await a.get('/notifications', ana)).items as { actor: { id: number } | null }[]
    expect(notes.filter((n) => n.actor?.id === ben.user.id)).toEqual([])
    expect(ids(json(await a.get('/mutes', ana)))).toEqual([ben.user.id])
    expect((await a.del(`/users/${ben.user.id}/mute`, ana)).statusCode).toBe(204)
    expect(ids(json(await a.get('/feed', ana)))).toContain(benPost.id)
  })
})

describe('private accounts', () => {
  it('make follows requests the owner accepts or rejects; outsiders see the header only', async () => {
    const owner = await register(t.app)
    const fan = await register(t.app)
    const other = await register(t.app)
    expect(json(await a.patch('/users/me', owner, { isPrivate: true }))).toMatchObject({ isPrivate: true })
    const post = await a.createPost(owner, 'for my followers')

    const asked = await a.put(`/users/${owner.user.id}/follow`, fan)
    expect(asked.statusCode).toBe(202)
    expect(json(asked)).toMatchObject({ state: 'requested', isFollowing: false, followersCount: 0 })
    expect((await a.put(`/users/${owner.user.id}/follow`, fan)).statusCode).toBe(202)
    expect(json(await a.get(`/users/${owner.user.id}`, fan))).toMatchObject({ isPrivate: true, followRequested: true, canSeePosts: false })
    expectProblem(await a.get(`/users/${owner.user.id}/posts`, fan), 403, 'private_account')
    expectProblem(await a.get(`/users/${owner.user.id}/followers`, null), 403, 'private_account')
    expectProblem(await a.get(`/posts/${post.id}`, fan), 404, 'not_found')
    expect(ids(json(await a.get('/feed/explore', other)))).not.toContain(post.id)

    const requests = json(await a.get('/follow-requests', owner))
    expect(ids(requests)).toEqual([fan.user.id])
    const notes = json(await a.get('/notifications', owner)).items as { type: string; actor: { id: number } }[]
    expect(notes.some((n) => n.type === 'follow_request' && n.actor.id === fan.user.id)).toBe(true)

    expect((await a.post(`/follow-requests/${fan.user.id}/accept`, owner)).statusCode).toBe(204)
    expectProblem(await a.post(`/follow-requests/${fan.user.id}/accept`, owner), 404, 'follow_request_not_found')
    expect(json(await a.get(`/posts/${post.id}`, fan)).id).toBe(post.id)
    expect(ids(json(await a.get('/feed', fan)))).toContain(post.id)
    expect(await userCounters(t, owner.user.id)).toMatchObject({ followersCount: 1, followersRows: 1 })

    // another request, rejected; then one withdrawn
    await a.put(`/users/${owner.user.id}/follow`, other)
    expect((await a.post(`/follow-requests/${other.user.id}/reject`, owner)).statusCode).toBe(204)
    expect(json(await a.get(`/users/${owner.user.id}/relationship`, other))).toMatchObject({ requested: false, following: false })
    await a.put(`/users/${owner.user.id}/follow`, other)
    expect(json(await a.del(`/users/${owner.user.id}/follow`, other))).toMatchObject({ state: 'none' })
    expect(json(await a.get('/follow-requests', owner)).items).toEqual([])
  })

  it('going public accepts every pending request with counters right', async () => {
    const owner = await register(t.app)
    const fans = [await register(t.app), await register(t.app), await register(t.app)]
    await a.patch('/users/me', owner, { isPrivate: true })
    for (const f of fans) expect((await a.put(`/users/${owner.user.id}/follow`, f)).statusCode).toBe(202)
    expect(json(await a.patch('/users/me', owner, { isPrivate: false }))).toMatchObject({ isPrivate: false })
    expect(await userCounters(t, owner.user.id)).toMatchObject({ followersCount: 3, followersRows: 3 })
    for (const f of fans) expect(await userCounters(t, f.user.id)).toMatchObject({ followingCount: 1, followingRows: 1 })
    expect(json(await a.get('/follow-requests', owner)).items).toEqual([])
  })

  it('refuses accepting a request that does not exist', async () => {
    const owner = await register(t.app)
    expectProblem(await a.post('/follow-requests/999999/accept', owner), 404, 'follow_request_not_found')
    expectProblem(await a.post('/follow-requests/abc/accept', owner), 400)
  })
})

describe('bad input', () => {
  it('ids that are not user ids are 400 validation_failed on every safety and follow route, never a 5xx', async () => {
    const ana = await register(t.app)
    const routes = [
      (id: string) => a.put(`/users/${id}/block`, ana),
      (id: string) => a.del(`/users/${id}/block`, ana),
      (id: string) => a.put(`/users/${id}/mute`, ana),
      (id: string) => a.del(`/users/${id}/mute`, ana),
      (id: string) => a.put(`/users/${id}/follow`, ana),
      (id: string) => a.del(`/users/${id}/follow`, ana),
      (id: string) => a.get(`/users/${id}/relationship`, ana),
      (id: string) => a.get(`/users/${id}/followers`, ana),
      (id: string) => a.get(`/users/${id}/following`, ana),
      (id: string) => a.post(`/follow-requests/${id}/accept`, ana),
      (id: string) => a.post(`/follow-requests/${id}/reject`, ana),
    ]
    for (const bad of ['abc', '1.5', '0', '-1', '2147483648', '99999999999999999999', '%20']) {
      for (const route of routes) expectProblem(await route(bad), 400, 'validation_failed')
    }
  })

  it('yourself, requests that do not exist and people who block you: a 4xx with a stable code', async () => {
    const ana = await register(t.app)
    const ben = await register(t.app)
    expectProblem(await a.del(`/users/${ana.user.id}/block`, ana), 400, 'cannot_block_self')
    expectProblem(await a.del(`/users/${ana.user.id}/mute`, ana), 400, 'cannot_mute_self')
    expectProblem(await a.put(`/users/${ana.user.id}/follow`, ana), 400, 'cannot_follow_self')
    expectProblem(await a.del(`/users/${ana.user.id}/follow`, ana), 400, 'cannot_follow_self')
    expectProblem(await a.post(`/follow-requests/${ana.user.id}/accept`, ana), 404, 'follow_request_not_found')
    expectProblem(await a.post(`/follow-requests/${ben.user.id}/reject`, ana), 404, 'follow_request_not_found')
    expectProblem(await a.post('/follow-requests/999999/reject', ana), 404, 'follow_request_not_found')

    expect((await a.put(`/users/${ben.user.id}/block`, ana)).statusCode).toBe(204)
    // ben, blocked: ana does not exist for him, whatever he tries
    expectProblem(await a.put(`/users/${ana.user.id}/follow`, ben), 404, 'not_found')
    expectProblem(await a.del(`/users/${ana.user.id}/follow`, ben), 404, 'not_found')
    expectProblem(await a.put(`/users/${ana.user.id}/mute`, ben), 404, 'not_found')
    expectProblem(await a.put(`/users/${ana.user.id}/block`, ben), 404, 'not_found')
    expectProblem(await a.del(`/users/${ana.user.id}/block`, ben), 404, 'not_found')
    expectProblem(await a.post('/reports', ben, { reason: 'harassment', userId: ana.user.id }), 404, 'not_found')
    // ana, the blocker, is told why
    expectProblem(await a.put(`/users/${ben.user.id}/follow`, ana), 403, 'blocking')
    expectProblem(await a.get(`/users/${ben.user.id}/followers`, ana), 403, 'blocking')
    // and may report him ("block and report")
    expect((await a.post('/reports', ana, { reason: 'harassment', userId: ben.user.id })).statusCode).toBe(201)
    // once ana lifts her block ben may block her, and then she meets his
    expect((await a.del(`/users/${ben.user.id}/block`, ana)).statusCode).toBe(204)
    expect((await a.put(`/users/${ana.user.id}/block`, ben)).statusCode).toBe(204)
    expectProblem(await a.put(`/users/${ben.user.id}/block`, ana), 404, 'not_found')
  })

  it('bad settings, cursors and limits are 400s', async () => {
    const ana = await register(t.app)
    expectProblem(await a.patch('/users/me', ana, { isPrivate: 'yes' }), 400, 'validation_failed')
    expectProblem(await a.patch('/users/me', ana, { allowMessagesFrom: 'nobody' }), 400, 'validation_failed')
    for (const url of ['/blocks', '/mutes', '/follow-requests', `/users/${ana.user.id}/followers`]) {
      expectProblem(await a.get(`${url}?cursor=garbage`, ana), 400, 'invalid_cursor')
      expectProblem(await a.get(`${url}?limit=0`, ana), 400, 'validation_failed')
      expectProblem(await a.get(`${url}?limit=101`, ana), 400, 'validation_failed')
    }
  })
})
