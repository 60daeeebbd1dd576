// The bell: GET /notifications?grouped=true — grouping, counts, actors newest first, paging that
// new notifications do not disturb, read state per group, the ungrouped list's exclusions, and
// messages left out.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { queryRows } from '../../platform/db/rows.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { api, setBlocked } from '../posts/test-support.js'
import { notify } from './notify.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

interface Group {
  id: number
  type: string
  count: number
  isRead: boolean
  latestAt: string
  actors: { id: number; username: string }[]
  target: { postId: number; thumbnailUrl: string | null; commentId: number | null; commentText: string | null } | null
}

const grouped = async (who: Session, query = ''): Promise<{ items: Group[]; nextCursor: string | null }> => {
  const res = await a.get(`/notifications?grouped=true${query}`, who)
  expect(res.statusCode).toBe(200)
  return json(res)
}
const allGroups = async (who: Session, limit: number): Promise<Group[]> => a.all('/notifications?grouped=true', who, limit)
const bell = async (who: Session) => json(await a.get('/notifications/unread-count?grouped=true', who)).count as number
const actorIds = (g: Group) => g.actors.map((x) => x.id)
const crowd = async (n: number) => Promise.all(Array.from({ length: n }, () => register(t.app)))

async function mention(me: Session, by: Session, postId: number) {
  return inTransaction(t.ctx.database.db, (tx, afterCommit) =>
    notify(t.ctx, tx, afterCommit, {
      userId: me.user.id,
      actorId: by.user.id,
      type: 'mention',
      postId,
      message: `${by.user.username} mentioned you`,
    }),
  )
}

async function message(from: Session, to: Session, content: string) {
  const conv = json(await a.post('/conversations', from, { userId: to.user.id }))
  expect((await a.post(`/conversations/${conv.id}/messages`, from, { content })).statusCode).toBe(201)
}

describe('grouped notifications', () => {
  it('groups likes and comments per post and follows per day, counts people, names the three newest; mentions alone; no messages', async () => {
    const [me, ana, ben, cai, dee, eve] = await crowd(6)
    const photo = (await a.createPost(me!, 'my photo')).id
    const other = (await a.createPost(me!, 'another post')).id
    for (const s of [ana, ben, cai, dee, eve]) await a.put(`/posts/${photo}/like`, s!)
    await a.comment(ana!, photo, 'first!')
    await a.comment(ben!, photo, 'lovely')
    await a.comment(ana!, photo, 'the latest word')
    for (const s of [ana, ben, cai]) await a.follow(s!, me!.user.id)
    await mention(me!, dee!, other)
    await mention(me!, eve!, other)
    await message(ana!, me!, 'psst')
    await a.put(`/posts/${other}/like`, ben!)

    const { items, nextCursor } = await grouped(me!)
    expect(nextCursor).toBeNull()
    expect(items.map((g) => g.type)).toEqual(['like', 'mention', 'mention', 'follow', 'comment', 'like'])
    const [otherLike, mention2, mention1, follows, comments, likes] = items
    expect(otherLike).toMatchObject({ count: 1, isRead: false, target: { postId: other, commentId: null, commentText: null } })
    expect(actorIds(otherLike!)).toEqual([ben!.user.id])
    expect(actorIds(mention2!)).toEqual([eve!.user.id])
    expect(actorIds(mention1!)).toEqual([dee!.user.id])
    expect(follows).toMatchObject({ count: 3, target: null })
    expect(actorIds(follows!)).toEqual([cai!.user.id, ben!.user.id, ana!.user.id])
    expect(comments).toMatchObject({
      count: 2,
      target: { postId: photo, ownPost: true, commentText: 'the latest word', thumbnailUrl: null },
    })
    expect(actorIds(comments!)).toEqual([ana!.user.id, ben!.user.id])
    expect(likes).toMatchObject({ count: 5, target: { postId: photo, commentId: null } })
    expect(actorIds(likes!)).toEqual([eve!.user.id, dee!.user.id, cai!.user.id])
    expect(likes!.actors[0]).toEqual({ id: eve!.user.id, username: eve!.user.username, displayName: null, avatarUrl: null })
    // the group is listed at its newest notification
    const flat = await a.all('/notifications', me!, 100)
    expect(likes!.id).toBe(flat.filter((n: { type: string; postId: number }) => n.type === 'like' && n.postId === photo)[0].id)
    expect(likes!.latestAt).toBe(flat.find((n: { id: number }) => n.id === likes!.id).createdAt)
    // the ungrouped list is unchanged: the message is there, and every single like
    expect(flat.filter((n: { type: string }) => n.type === 'message')).toHaveLength(1)
    expect(flat).toHaveLength(5 + 3 + 3 + 2 + 1 + 1)
  })

  it('follows of different days are different groups', async () => {
    const [me, ana, ben] = await crowd(3)
    await a.follow(ana!, me!.user.id)
    await queryRows(
      t.ctx.database.db,
      sql`UPDATE notifications SET created_at = created_at - interval '1 day' WHERE user_id = ${me!.user.id}`,
    )
    await a.follow(ben!, me!.user.id)
    const { items } = await grouped(me!)
    expect(items.map((g) => [g.type, g.count, actorIds(g)])).toEqual([
      ['follow', 1, [ben!.user.id]],
      ['follow', 1, [ana!.user.id]],
    ])
  })

  it('pages with a cursor that new notifications do not disturb', async () => {
    const [me, ...fans] = await crowd(5)
    const posts: number[] = []
    for (let i = 0; i < 5; i++) {
      posts.push((await a.createPost(me!, `post ${i}`)).id)
      await a.put(`/posts/${posts[i]}/like`, fans[i % 4]!)
    }
    const first = await grouped(me!, '&limit=2')
    expect(first.items.map((g) => g.target?.postId)).toEqual([posts[4], posts[3]])
    // a like on the oldest post's group while paging: its group does not jump to the first page
    await a.put(`/posts/${posts[0]}/like`, fans[3]!)
    await a.put(`/posts/${posts[3]}/like`, fans[0]!)
    const rest: Group[] = []
    let cursor = first.nextCursor
    while (cursor) {
      const page = await grouped(me!, `&limit=2&cursor=${cursor}`)
      rest.push(...page.items)
      cursor = page.nextCursor
    }
    expect(rest.map((g) => g.target?.postId)).toEqual([posts[2], posts[1], posts[0]])
    expect(rest.at(-1)).toMatchObject({ count: 1 })
    // a new first page shows the news
    const fresh = await grouped(me!, '&limit=2')
    expect(fresh.items.map((g) => [g.target?.postId, g.count])).toEqual([
      [posts[3], 2],
      [posts[0], 2],
    ])
    expectProblem(await a.get('/notifications?grouped=true&cursor=abc', me), 400, 'invalid_cursor')
    expectProblem(await a.get(`/notifications?grouped=true&cursor=${Buffer.from('[5]').toString('base64url')}`, me), 400, 'invalid_cursor')
  })

  it('keeps read state per group: unread while any member is; marking one, a group or all read', async () => {
    const [me, ana, ben, cai] = await crowd(4)
    const p = (await a.createPost(me!, 'liked')).id
    for (const s of [ana, ben]) await a.put(`/posts/${p}/like`, s!)
    await a.follow(cai!, me!.user.id)
    await message(cai!, me!, 'not in the bell')
    expect(await bell(me!)).toBe(2)
    expect(json(await a.get('/notifications/unread-count', me)).count).toBe(4)

    const [follow, likes] = (await grouped(me!)).items
    const flat = await a.all('/notifications', me!, 100)
    const anaLike = flat.find((n: { actor: { id: number }; type: string }) => n.type === 'like' && n.actor.id === ana!.user.id)
    expect((await a.post(`/notifications/${anaLike.id}/read`, me!)).statusCode).toBe(204)
    expect((await grouped(me!)).items[1]).toMatchObject({ id: likes!.id, isRead: false })
    expect(await bell(me!)).toBe(2)

    expect((await a.post(`/notifications/${likes!.id}/read?group=true`, me!)).statusCode).toBe(204)
    expect((await grouped(me!)).items.map((g) => g.isRead)).toEqual([false, true])
    expect(await bell(me!)).toBe(1)
    expect((await grouped(me!, '&unread=true')).items.map((g) => g.id)).toEqual([follow!.id])
    // another user's group is not found
    expectProblem(await a.post(`/notifications/${follow!.id}/read?group=true`, ana!), 404, 'not_found')

    expect(json(await a.post('/notifications/read-all', me!))).toEqual({ markedRead: 2 })
    expect(await bell(me!)).toBe(0)
    expect((await grouped(me!, '&unread=true')).items).toEqual([])
  })

  it('leaves out blocked and suspended people as the ungrouped list does', async () => {
    const [me, ana, ben, troll, cai] = await crowd(5)
    const p = (await a.createPost(me!, 'watched')).id
    for (const s of [ana, troll, ben, cai]) await a.put(`/posts/${p}/like`, s!)
    await a.follow(troll!, me!.user.id)
    // a block that raced with the notifications (a block deletes them; the list also filters)
    await queryRows(t.ctx.database.db, sql`INSERT INTO user_blocks (blocker_id, blocked_id) VALUES (${me!.user.id}, ${troll!.user.id})`)
    await setBlocked(t, cai!.user.id, true) // suspended
    try {
      const flatActors = new Set((await a.all('/notifications', me!, 100)).map((n: { actor: { id: number } }) => n.actor.id))
      expect(flatActors).toEqual(new Set([ana!.user.id, ben!.user.id]))
      const groups = await allGroups(me!, 1)
      expect(groups).toHaveLength(1)
      expect(groups[0]).toMatchObject({ type: 'like', count: 2 })
      expect(actorIds(groups[0]!)).toEqual([ben!.user.id, ana!.user.id])
      expect(await bell(me!)).toBe(1)
    } finally {
      await setBlocked(t, cai!.user.id, false)
    }
    // a mute stops new notifications only, in both forms
    await a.put(`/users/${ana!.user.id}/mute`, me!)
    expect(actorIds((await grouped(me!)).items.find((g) => g.type === 'like')!)).toEqual([cai!.user.id, ben!.user.id, ana!.user.id])
  })

  it('names the post only while the user may see it, and needs a signed-in user', async () => {
    const [me, friend, fan] = await crowd(3)
    const theirs = (await a.createPost(friend!, 'friend’s post')).id
    const c = await a.comment(me!, theirs, 'my comment')
    await a.comment(fan!, theirs, 'a reply to me', c.id)
    const [reply] = (await grouped(me!)).items
    expect(reply).toMatchObject({ type: 'comment', target: { postId: theirs, ownPost: false, commentText: 'a reply to me' } })
    expect((await a.del(`/posts/${theirs}`, friend!)).statusCode).toBe(204)
    expect((await grouped(me!)).items[0]).toMatchObject({ type: 'comment', target: null })
    expectProblem(await a.get('/notifications?grouped=true'), 401)
    expectProblem(await a.get('/notifications?grouped=maybe', me), 400, 'validation_failed')
  })
})
