// @mentions (issue 14, item 2): one `mention` notification per person mentioned in a post or a
// comment, never for oneself, across blocks or mutes, more than ten per text, or twice on edits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { api } from '../posts/test-support.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

const mentions = async (s: Session) =>
  (
    json(await a.get('/notifications?limit=100', s)).items as {
      type: string
      postId: number
      commentId: number | null
      message: string
      actor: { id: number }
    }[]
  ).filter((n) => n.type === 'mention')

describe('mentions in posts', () => {
  it('notify each mentioned person once, linking the post, but not the author, nor across blocks or mutes', async () => {
    const author = await register(t.app)
    const ana = await register(t.app)
    const ben = await register(t.app)
    const blocker = await register(t.app)
    const muter = await register(t.app)
    await a.put(`/users/${author.user.id}/block`, blocker)
    await a.put(`/users/${author.user.id}/mute`, muter)
    const u = (s: Session) => s.user.username
    const p = await a.createPost(
      author,
      `hi @${u(ana)} @${u(ana).toUpperCase()} and @${u(ben)}, @${u(author)} @${u(blocker)} @${u(muter)} @nobody_here mail ${u(ana)}x@example.com`,
    )
    for (const s of [ana, ben]) {
      expect(await mentions(s)).toEqual([
        expect.objectContaining({
          postId: p.id,
          commentId: null,
          message: `${author.user.username} mentioned you`,
          actor: expect.objectContaining({ id: author.user.id }),
        }),
      ])
    }
    for (const s of [author, blocker, muter]) expect(await mentions(s)).toEqual([])
  })

  it('notify only people newly mentioned when the text is edited, even after a name was removed and put back', async () => {
    const author = await register(t.app)
    const ana = await register(t.app)
    const ben = await register(t.app)
    const p = await a.createPost(author, `@${ana.user.username}`)
    await a.patch(`/posts/${p.id}`, author, { content: `@${ana.user.username} and @${ben.user.username}` })
    await a.patch(`/posts/${p.id}`, author, { content: 'nobody' })
    await a.patch(`/posts/${p.id}`, author, { content: `@${ben.user.username} @${ana.user.username} again` })
    expect(await mentions(ana)).toHaveLength(1)
    expect(await mentions(ben)).toHaveLength(1)
  })

  it('notify at most ten people per post, over all its versions', async () => {
    const author = await register(t.app)
    const people = await Promise.all(Array.from({ length: 14 }, () => register(t.app)))
    const names = people.map((s) => `@${s.user.username}`)
    const p = await a.createPost(author, names.slice(0, 12).join(' '))
    const told = async () => (await Promise.all(people.map(mentions))).map((n) => n.length)
    expect(await told()).toEqual([...Array(10).fill(1), 0, 0, 0, 0])
    // an edit naming the others cannot go past ten
    await a.patch(`/posts/${p.id}`, author, { content: names.slice(10).join(' ') })
    expect(await told()).toEqual([...Array(10).fill(1), 0, 0, 0, 0])
  })
})

describe('mentions in comments', () => {
  it('notify mentioned people, not the post’s author twice, and edits only the newly mentioned', async () => {
    const author = await register(t.app)
    const commenter = await register(t.app)
    const ana = await register(t.app)
    const ben = await register(t.app)
    const p = await a.createPost(author, 'a post')
    const c = await a.comment(commenter, p.id, `@${author.user.username} look, @${ana.user.username}`)
    expect(await mentions(ana)).toEqual([
      expect.objectContaining({ postId: p.id, commentId: c.id, message: `${commenter.user.username} mentioned you in a comment` }),
    ])
    // the post's author already hears of the comment as a comment
    expect(await mentions(author)).toEqual([])
    expect((await a.patch(`/comments/${c.id}`, commenter, { content: `@${ana.user.username} @${ben.user.username}` })).statusCode).toBe(200)
    expect(await mentions(ana)).toHaveLength(1)
    expect(await mentions(ben)).toEqual([expect.objectContaining({ commentId: c.id })])
  })
})
