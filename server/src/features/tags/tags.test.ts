// Hashtags (issue 14, item 1): tags follow the text of posts through create, edit and delete, and
// the search other features use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inArray } from 'drizzle-orm'
import { hashtags } from '../../db/schema.js'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { api, setBlocked } from '../posts/test-support.js'
import { searchTags } from './index.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

describe('searchTags', () => {
  it('finds tags by normalised prefix, most used first, and only tags live posts carry', async () => {
    const ana = await register(t.app)
    const ben = await register(t.app)
    await a.createPost(ana, '#Prefixcafé #prefixcake')
    await a.createPost(ben, '#PREFIXCAKE and #prefix_x')
    const gone = await a.createPost(ben, '#prefixgone')
    await a.del(`/posts/${gone.id}`, ben)
    const db = t.ctx.database.db
    expect(await searchTags(db, 'PreFix', 10)).toEqual([
      { name: 'prefixcake', postCount: 2 },
      { name: 'prefix_x', postCount: 1 },
      { name: 'prefixcafé', postCount: 1 },
    ])
    expect(await searchTags(db, '#prefixc', 1)).toEqual([{ name: 'prefixcake', postCount: 2 }])
    expect(await searchTags(db, 'prefixCAFÉ', 10)).toEqual([{ name: 'prefixcafé', postCount: 1 }])
    // `_` is a character, not LIKE's wildcard
    expect(await searchTags(db, 'prefix_', 10)).toEqual([{ name: 'prefix_x', postCount: 1 }])
    for (const nothing of ['', '#', '1prefix', 'pre fix', '%', 'prefixgone']) expect(await searchTags(db, nothing, 10)).toEqual([])
  })
})

const ids = (items: { id: number }[]) => items.map((p) => p.id)

describe('tag pages', () => {
  it('show the count and posts of a tag under any spelling, newest first across pages', async () => {
    const ana = await register(t.app)
    const ben = await register(t.app)
    const p1 = await a.createPost(ana, 'first #Café')
    const p2 = await a.createPost(ben, 'second #CAFÉ and #cafe\u0301 again')
    const p3 = await a.createPost(ana, 'third (#café)!')
    await a.createPost(ana, 'not this #cafe')
    for (const spelling of ['café', 'CAFÉ', encodeURIComponent('Cafe\u0301')]) {
      expect(json(await a.get(`/tags/${encodeURIComponent(decodeURIComponent(spelling))}`, ana))).toEqual({
        name: 'café',
        postCount: 3,
        following: false,
      })
    }
    for (const limit of [1, 2, 20])
      expect(ids(await a.all(`/tags/${encodeURIComponent('café')}/posts`, ben, limit))).toEqual([p3.id, p2.id, p1.id])
    // anonymous readers too; an unused tag has an empty page; a name that cannot be a tag is 404
    expect(ids(await a.all(`/tags/${encodeURIComponent('café')}/posts`, null, 2))).toEqual([p3.id, p2.id, p1.id])
    expect(json(await a.get('/tags/neverused', null))).toEqual({ name: 'neverused', postCount: 0, following: false })
    expect(json(await a.get('/tags/neverused/posts', null))).toEqual({ items: [], nextCursor: null })
    expectProblem(await a.get('/tags/1st', null), 404, 'not_found')
    expectProblem(await a.get('/tags/a%20b/posts', null), 404, 'not_found')
    expectProblem(await a.get(`/tags/café/posts?cursor=nope`, null), 400, 'invalid_cursor')
  })

  it('follow the text through edits and deletes, counts included', async () => {
    const ana = await register(t.app)
    const p = await a.createPost(ana, '#editone #edittwo')
    const q = await a.createPost(ana, '#edittwo')
    const count = async (name: string) => json(await a.get(`/tags/${name}`, ana)).postCount
    expect([await count('editone'), await count('edittwo'), await count('editthree')]).toEqual([1, 2, 0])
    expect((await a.patch(`/posts/${p.id}`, ana, { content: 'now #EditThree and #edittwo' })).statusCode).toBe(200)
    expect([await count('editone'), await count('edittwo'), await count('editthree')]).toEqual([0, 2, 1])
    expect(ids(json(await a.get('/tags/editone/posts', ana)).items)).toEqual([])
    expect(ids(json(await a.get('/tags/editthree/posts', ana)).items)).toEqual([p.id])
    expect(ids(json(await a.get('/tags/edittwo/posts', ana)).items)).toEqual([q.id, p.id])
    await a.del(`/posts/${p.id}`, ana)
    expect([await count('editone'), await count('edittwo'), await count('editthree')]).toEqual([0, 1, 0])
    expect(ids(json(await a.get('/tags/edittwo/posts', ana)).items)).toEqual([q.id])
  })

  it('leave out what the viewer may not see: blocks either way, private accounts not followed, mutes, suspended authors', async () => {
    const viewer = await register(t.app)
    const open = await register(t.app)
    const blocker = await register(t.app)
    const blockedByViewer = await register(t.app)
    const priv = await register(t.app)
    const privFollowed = await register(t.app)
    const muted = await register(t.app)
    const suspended = await register(t.app)
    const post = (s: Session) => a.createPost(s, 'seen? #walltag')
    const p = {
      open: await post(open),
      blocker: await post(blocker),
      blocked: await post(blockedByViewer),
      priv: await post(priv),
      privFollowed: await post(privFollowed),
      muted: await post(muted),
      suspended: await post(suspended),
      own: await post(viewer),
    }
    await a.put(`/users/${viewer.user.id}/block`, blocker)
    await a.put(`/users/${blockedByViewer.user.id}/block`, viewer)
    await a.patch('/users/me', priv, { isPrivate: true })
    await a.patch('/users/me', privFollowed, { isPrivate: true })
    expect((await a.put(`/users/${privFollowed.user.id}/follow`, viewer)).statusCode).toBe(202)
    await a.post(`/follow-requests/${viewer.user.id}/accept`, privFollowed)
    await a.put(`/users/${muted.user.id}/mute`, viewer)
    await setBlocked(t, suspended.user.id, true)
    try {
      for (const limit of [1, 3, 20]) {
        expect(ids(await a.all('/tags/walltag/posts', viewer, limit))).toEqual([p.own.id, p.privFollowed.id, p.open.id])
      }
      // anonymous: public, unsuspended authors only
      expect(ids(await a.all('/tags/walltag/posts', null, 2))).toEqual([p.own.id, p.muted.id, p.blocked.id, p.blocker.id, p.open.id])
    } finally {
      await setBlocked(t, suspended.user.id, false)
    }
  })

  it('refuse NUL characters in a post with 400 validation_failed', async () => {
    const ana = await register(t.app)
    expectProblem(await a.post('/posts', ana, { content: '#nul\u0000tag' }), 400, 'validation_failed')
    const p = await a.createPost(ana, '#nulok')
    expectProblem(await a.patch(`/posts/${p.id}`, ana, { content: '#nul\u0000tag' }), 400, 'validation_failed')
    expect(json(await a.get('/tags/nul', ana)).postCount).toBe(0)
  })

  it('make one tag row when posts create the same new tag at once', async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => register(t.app)))
    const results = await Promise.all(people.map((s, i) => a.post('/posts', s, { content: `race ${i} #RaceTag #racetag${i % 2}` })))
    expect(results.map((r) => r.statusCode)).toEqual(Array(6).fill(201))
    const rows = await t.ctx.database.db
      .select()
      .from(hashtags)
      .where(inArray(hashtags.name, ['racetag', 'racetag0', 'racetag1']))
    expect(rows.map((r) => [r.name, r.postCount]).sort()).toEqual([
      ['racetag', 6],
      ['racetag0', 3],
      ['racetag1', 3],
    ])
  })
})

describe('following tags', () => {
  it('is idempotent, shows on the tag, and needs a signed-in caller', async () => {
    const ana = await register(t.app)
    for (let i = 0; i < 2; i++) expect(json(await a.put('/tags/FollowMe/follow', ana))).toEqual({ name: 'followme', following: true })
    expect(json(await a.get('/tags/followme', ana))).toMatchObject({ following: true, postCount: 0 })
    expect(json(await a.get('/tags/followme', null))).toMatchObject({ following: false })
    for (let i = 0; i < 2; i++) expect(json(await a.del('/tags/followme/follow', ana))).toEqual({ name: 'followme', following: false })
    expect(json(await a.get('/tags/followme', ana))).toMatchObject({ following: false })
    expectProblem(await a.put('/tags/followme/follow', null), 401)
    expectProblem(await a.del('/tags/followme/follow', null), 401)
    expectProblem(await a.put('/tags/9lives/follow', ana), 404, 'not_found')
  })

  it('brings the tag’s posts into the home feed, each post once, without hidden authors', async () => {
    const viewer = await register(t.app)
    const friend = await register(t.app)
    const stranger = await register(t.app)
    const priv = await register(t.app)
    const blocker = await register(t.app)
    const muted = await register(t.app)
    await a.follow(viewer, friend.user.id)
    await a.patch('/users/me', priv, { isPrivate: true })
    await a.put(`/users/${viewer.user.id}/block`, blocker)
    await a.put(`/users/${muted.user.id}/mute`, viewer)
    await a.put('/tags/feedtag/follow', viewer)
    await a.put('/tags/othertag/follow', viewer)
    const p = {
      friendPlain: await a.createPost(friend, 'plain'),
      friendTagged: await a.createPost(friend, '#feedtag and #othertag'),
      stranger: await a.createPost(stranger, '#FeedTag from a stranger'),
      strangerUntagged: await a.createPost(stranger, 'no tag'),
      priv: await a.createPost(priv, '#feedtag private'),
      blocker: await a.createPost(blocker, '#feedtag blocker'),
      muted: await a.createPost(muted, '#feedtag muted'),
      own: await a.createPost(viewer, '#feedtag mine'),
      stranger2: await a.createPost(stranger, '#othertag again'),
    }
    const want = [p.stranger2.id, p.own.id, p.stranger.id, p.friendTagged.id, p.friendPlain.id]
    for (const limit of [1, 2, 3, 20]) expect(ids(await a.all('/feed', viewer, limit))).toEqual(want)
    await a.del('/tags/feedtag/follow', viewer)
    await a.del('/tags/othertag/follow', viewer)
    expect(ids(await a.all('/feed', viewer, 20))).toEqual([p.own.id, p.friendTagged.id, p.friendPlain.id])
  })
})
