import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, login, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { reports, users } from '../../db/schema.js'
import { insertComment, insertPost, ROOT_ADMIN } from '../admin/test-fixtures.js'
import { REPORTS_PER_HOUR } from './routes.js'

let h: Harness
let t: TestApp
let admin: Session

beforeAll(async () => {
  h = await createHarness()
  t = await h.start(ROOT_ADMIN)
  admin = await login(t.app, ROOT_ADMIN.ADMIN_EMAIL, ROOT_ADMIN.ADMIN_PASSWORD)
})
afterAll(async () => h.close())

const db = () => t.ctx.database.db
const report = (s: Session | undefined, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/hearth/v1/reports', payload: payload as object, headers: s?.headers ?? {} })

describe('POST /reports', () => {
  it('reports a user, a post and a comment', async () => {
    const [me, other] = [await register(t.app), await register(t.app)]
    const post = await insertPost(db(), other.user.id)
    const comment = await insertComment(db(), { postId: post.id, userId: other.user.id })

    const onUser = await report(me, { reason: 'harassment', description: '  keeps insulting people  ', userId: other.user.id })
    expect(onUser.statusCode).toBe(201)
    expect(json(onUser)).toMatchObject({
      reason: 'harassment',
      description: 'keeps insulting people',
      status: 'pending',
      target: { type: 'user', id: other.user.id },
    })
    expect(json(onUser).createdAt).toMatch(/Z$/)

    const onPost = await report(me, { reason: 'spam', postId: post.id })
    expect(json(onPost)).toMatchObject({ description: null, target: { type: 'post', id: post.id } })
    const onComment = await report(me, { reason: 'other', description: '', commentId: comment.id })
    expect(json(onComment)).toMatchObject({ description: null, target: { type: 'comment', id: comment.id } })

    const rows = await db().select().from(reports).where(eq(reports.reporterId, me.user.id))
    expect(rows).toHaveLength(3)
  })

  it('needs exactly one target', async () => {
    const [me, other] = [await register(t.app), await register(t.app)]
    const post = await insertPost(db(), other.user.id)
    const none = expectProblem(await report(me, { reason: 'spam' }), 400, 'validation_failed')
    expect(none.errors.map((e: { field: string }) => e.field)).toEqual(['userId', 'postId', 'commentId'])
    const two = expectProblem(await report(me, { reason: 'spam', userId: other.user.id, postId: post.id }), 400, 'validation_failed')
    expect(two.errors.map((e: { field: string }) => e.field)).toEqual(['userId', 'postId'])
  })

  it('validates the body', async () => {
    const [me, other] = [await register(t.app), await register(t.app)]
    const cases: [unknown, string][] = [
      [{ reason: 'because', userId: other.user.id }, 'reason'],
      [{ userId: other.user.id }, 'reason'],
      [{ reason: 'spam', userId: other.user.id, description: 'x'.repeat(1001) }, 'description'],
      [{ reason: 'spam', userId: 'abc' }, 'userId'],
      [{ reason: 'spam', userId: 2 ** 31 }, 'userId'],
      [{ reason: 'spam', userId: other.user.id, status: 'resolved' }, 'status'],
    ]
    for (const [payload, field] of cases) {
      const p = expectProblem(await report(me, payload), 400, 'validation_failed')
      expect(p.errors.map((e: { field: string }) => e.field)).toContain(field)
    }
    expect((await report(me, { reason: 'spam', userId: other.user.id, description: 'x'.repeat(1000) })).statusCode).toBe(201)
  })

  it('refuses anonymous callers', async () => {
    const other = await register(t.app)
    expectProblem(await report(undefined, { reason: 'spam', userId: other.user.id }), 401, 'unauthorized')
  })

  it('answers 404 for targets that do not exist or that others cannot see', async () => {
    const [me, other, blocked] = [await register(t.app), await register(t.app), await register(t.app)]
    const deletedPost = await insertPost(db(), other.user.id, { isDeleted: true })
    const livePost = await insertPost(db(), other.user.id)
    const deletedComment = await insertComment(db(), { postId: livePost.id, userId: other.user.id, isDeleted: true })
    const commentOnDeletedPost = await insertComment(db(), { postId: deletedPost.id, userId: other.user.id })
    const postOfBlocked = await insertPost(db(), blocked.user.id)
    await db().update(users).set({ isBlocked: true }).where(eq(users.id, blocked.user.id))

    expectProblem(await report(me, { reason: 'spam', userId: 2_000_000_000 }), 404, 'not_found')
    expectProblem(await report(me, { reason: 'spam', postId: 2_000_000_000 }), 404, 'not_found')
    expectProblem(await report(me, { reason: 'spam', commentId: 2_000_000_000 }), 404, 'not_found')
    expectProblem(await report(me, { reason: 'spam', postId: deletedPost.id }), 404, 'not_found')
    expectProblem(await report(me, { reason: 'spam', commentId: deletedComment.id }), 404, 'not_found')
    expectProblem(await report(me, { reason: 'spam', commentId: commentOnDeletedPost.id }), 404, 'not_found')
    expectProblem(await report(me, { reason: 'spam', userId: blocked.user.id }), 404, 'not_found')
    expectProblem(await report(me, { reason: 'spam', postId: postOfBlocked.id }), 404, 'not_found')
  })

  it('refuses reporting yourself or your own content', async () => {
    const [me, other] = [await register(t.app), await register(t.app)]
    const post = await insertPost(db(), me.user.id)
    const comment = await insertComment(db(), { postId: post.id, userId: me.user.id })
    const myCommentOnTheirs = await insertComment(db(), { postId: (await insertPost(db(), other.user.id)).id, userId: me.user.id })
    expectProblem(await report(me, { reason: 'spam', userId: me.user.id }), 400, 'cannot_report_own')
    expectProblem(await report(me, { reason: 'spam', postId: post.id }), 400, 'cannot_report_own')
    expectProblem(await report(me, { reason: 'spam', commentId: comment.id }), 400, 'cannot_report_own')
    expectProblem(await report(me, { reason: 'spam', commentId: myCommentOnTheirs.id }), 400, 'cannot_report_own')
    // someone else's comment on my post is fair game
    const theirs = await insertComment(db(), { postId: post.id, userId: other.user.id })
    expect((await report(me, { reason: 'harassment', commentId: theirs.id })).statusCode).toBe(201)
  })

  it('keeps one pending report per reporter and target, also under concurrent submits', async () => {
    const [me, other, third] = [await register(t.app), await register(t.app), await register(t.app)]
    const post = await insertPost(db(), other.user.id)
    expect((await report(me, { reason: 'spam', postId: post.id })).statusCode).toBe(201)
    expectProblem(await report(me, { reason: 'harassment', postId: post.id }), 409, 'already_reported')
    // someone else may report the same post
    expect((await report(third, { reason: 'spam', postId: post.id })).statusCode).toBe(201)

    const results = await Promise.all(Array.from({ length: 4 }, () => report(me, { reason: 'spam', userId: other.user.id })))
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409])
    const rows = await db()
      .select()
      .from(reports)
      .where(and(eq(reports.reporterId, me.user.id), eq(reports.reportedUserId, other.user.id)))
    expect(rows).toHaveLength(1)
  })

  it('accepts a new report once the earlier one was decided', async () => {
    const [me, other] = [await register(t.app), await register(t.app)]
    const first = json(await report(me, { reason: 'spam', userId: other.user.id }))
    const decided = await t.app.inject({
      method: 'PATCH',
      url: `/api/hearth/v1/admin/reports/${first.id}`,
      headers: admin.headers,
      payload: { status: 'dismissed' },
    })
    expect(decided.statusCode).toBe(200)
    const again = await report(me, { reason: 'fake_profile', userId: other.user.id })
    expect(again.statusCode).toBe(201)
    expect(json(again).id).not.toBe(first.id)
  })

  it(`is rate limited to ${REPORTS_PER_HOUR} an hour per user`, async () => {
    const [me, other] = [await register(t.app), await register(t.app)]
    // failed attempts count too: probing for ids is what the limit is for
    for (let i = 0; i < REPORTS_PER_HOUR; i++) {
      expect((await report(me, { reason: 'spam', postId: 2_000_000_000 - i })).statusCode).toBe(404)
    }
    const limited = await report(me, { reason: 'spam', userId: other.user.id })
    expectProblem(limited, 429, 'rate_limited')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    // per user: someone else is not affected
    expect((await report(other, { reason: 'spam', userId: me.user.id })).statusCode).toBe(201)
  })
})
