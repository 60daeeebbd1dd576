// Notifications over HTTP (list, unread filter and count, mark one / all) and notify()'s rules.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from '../../db/schema.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { notify, type NotifyInput } from './notify.js'

let h: Harness
let t: TestApp

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
})
afterAll(async () => h.close())

const get = (url: string, who?: Session) => t.app.inject({ url, headers: who?.headers ?? {} })
const post = (url: string, who?: Session) => t.app.inject({ method: 'POST', url, headers: who?.headers ?? {} })
const create = (input: NotifyInput) => inTransaction(t.ctx.database.db, (tx, afterCommit) => notify(t.ctx, tx, afterCommit, input))

describe('notifications', () => {
  it('lists newest first with the actor, pages by cursor, filters unread, and counts', async () => {
    const [me, x, y] = await Promise.all([register(t.app), register(t.app), register(t.app)])
    const n1 = await create({ userId: me.user.id, actorId: x.user.id, type: 'follow', message: `${x.user.username} started following you` })
    const n2 = await create({ userId: me.user.id, actorId: y.user.id, type: 'follow', message: `${y.user.username} started following you` })
    const n3 = await create({ userId: me.user.id, actorId: x.user.id, type: 'message', message: `${x.user.username} sent you a message` })
    const page1 = json(await get('/api/hearth/v1/notifications?limit=2', me))
    expect(page1.items.map((n: { id: number }) => n.id)).toEqual([n3!.id, n2!.id])
    expect(page1.items[0]).toEqual({
      id: n3!.id,
      type: 'message',
      message: `${x.user.username} sent you a message`,
      actor: { id: x.user.id, username: x.user.username, displayName: null, avatarUrl: null },
      postId: null,
      commentId: null,
      isRead: false,
      createdAt: expect.any(String),
    })
    const page2 = json(await get(`/api/hearth/v1/notifications?limit=2&cursor=${page1.nextCursor}`, me))
    expect(page2).toEqual({ items: [expect.objectContaining({ id: n1!.id })], nextCursor: null })

    expect(json(await get('/api/hearth/v1/notifications/unread-count', me))).toEqual({ count: 3 })
    expect((await post(`/api/hearth/v1/notifications/${n2!.id}/read`, me)).statusCode).toBe(204)
    expect((await post(`/api/hearth/v1/notifications/${n2!.id}/read`, me)).statusCode).toBe(204) // idempotent
    expect(json(await get('/api/hearth/v1/notifications/unread-count', me))).toEqual({ count: 2 })
    const unread = json(await get('/api/hearth/v1/notifications?unread=true', me))
    expect(unread.items.map((n: { id: number }) => n.id)).toEqual([n3!.id, n1!.id])
    const all = json(await get('/api/hearth/v1/notifications', me))
    expect(all.items.find((n: { id: number }) => n.id === n2!.id).isRead).toBe(true)

    expect(json(await post('/api/hearth/v1/notifications/read-all', me))).toEqual({ markedRead: 2 })
    expect(json(await post('/api/hearth/v1/notifications/read-all', me))).toEqual({ markedRead: 0 })
    expect(json(await get('/api/hearth/v1/notifications/unread-count', me))).toEqual({ count: 0 })
    expect(json(await get('/api/hearth/v1/notifications?unread=true', me)).items).toEqual([])
  })

  it('belong to their owner only', async () => {
    const [me, other] = await Promise.all([register(t.app), register(t.app)])
    const n = await create({ userId: me.user.id, actorId: other.user.id, type: 'follow', message: 'x followed you' })
    expectProblem(await post(`/api/hearth/v1/notifications/${n!.id}/read`, other), 404, 'not_found')
    expectProblem(await post(`/api/hearth/v1/notifications/2000000000/read`, me), 404, 'not_found')
    expect(json(await post('/api/hearth/v1/notifications/read-all', other))).toEqual({ markedRead: 0 })
    expect(json(await get('/api/hearth/v1/notifications', other)).items).toEqual([])
    expect(json(await get('/api/hearth/v1/notifications/unread-count', me))).toEqual({ count: 1 }) // untouched by the other user
    for (const res of [
      await get('/api/hearth/v1/notifications'),
      await get('/api/hearth/v1/notifications/unread-count'),
      await post(`/api/hearth/v1/notifications/${n!.id}/read`),
      await post('/api/hearth/v1/notifications/read-all'),
    ])
      expectProblem(res, 401)
    expectProblem(await get('/api/hearth/v1/notifications?unread=maybe', me), 400, 'validation_failed')
    expectProblem(await get('/api/hearth/v1/notifications?cursor=zzz', me), 400, 'invalid_cursor')
  })

  it('hides what blocked users caused', async () => {
    const [me, troll] = await Promise.all([register(t.app), register(t.app)])
    await create({ userId: me.user.id, actorId: troll.user.id, type: 'follow', message: 'troll followed you' })
    await t.ctx.database.db.update(users).set({ isBlocked: true }).where(eq(users.id, troll.user.id))
    expect(json(await get('/api/hearth/v1/notifications', me)).items).toEqual([])
    expect(json(await get('/api/hearth/v1/notifications/unread-count', me))).toEqual({ count: 0 })
  })
})

describe('notify()', () => {
  it('skips your own actions and like/follow repeats within the window, never messages', async () => {
    const [me, x] = await Promise.all([register(t.app), register(t.app)])
    expect(await create({ userId: me.user.id, actorId: me.user.id, type: 'message', message: 'self' })).toBeNull()
    expect(await create({ userId: me.user.id, actorId: x.user.id, type: 'follow', message: 'followed' })).not.toBeNull()
    expect(await create({ userId: me.user.id, actorId: x.user.id, type: 'follow', message: 'followed again' })).toBeNull()
    expect(await create({ userId: me.user.id, actorId: x.user.id, type: 'message', message: 'm1' })).not.toBeNull()
    expect(await create({ userId: me.user.id, actorId: x.user.id, type: 'message', message: 'm2' })).not.toBeNull()
    expect(json(await get('/api/hearth/v1/notifications/unread-count', me))).toEqual({ count: 3 })
  })

  it('creates nothing when the surrounding transaction rolls back', async () => {
    const [me, x] = await Promise.all([register(t.app), register(t.app)])
    await expect(
      inTransaction(t.ctx.database.db, async (tx, afterCommit) => {
        await notify(t.ctx, tx, afterCommit, { userId: me.user.id, actorId: x.user.id, type: 'follow', message: 'never' })
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    expect(json(await get('/api/hearth/v1/notifications', me)).items).toEqual([])
  })
})
