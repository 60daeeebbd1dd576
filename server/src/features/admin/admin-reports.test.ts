import { eq, inArray } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, login, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { buildApp } from '../../app.js'
import { createContext } from '../../context.js'
import { composeServices } from '../../services.js'
import { adminAuditLog, posts, reports, users } from '../../db/schema.js'
import { commentById, insertComment, insertPost, postById, ROOT_ADMIN, userById } from './test-fixtures.js'

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
const fileReport = async (s: Session, payload: object) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/hearth/v1/reports',
    headers: s.headers,
    payload: { reason: 'spam', ...payload },
  })
  if (res.statusCode !== 201) throw new Error(`report failed: ${res.body}`)
  return json<{ id: number }>(res)
}
const queue = (query = '', s: Session = admin) => t.app.inject({ url: `/api/hearth/v1/admin/reports${query}`, headers: s.headers })
const decide = (id: number, payload: object, s: Session = admin) =>
  t.app.inject({ method: 'PATCH', url: `/api/hearth/v1/admin/reports/${id}`, headers: s.headers, payload })
const me = (s: Session) => t.app.inject({ url: '/api/hearth/v1/users/me', headers: s.headers })

describe('the moderation queue', () => {
  it('lists reports newest first with target, author, reporter and the count of other reports', async () => {
    const [author, r1, r2] = [await register(t.app), await register(t.app), await register(t.app)]
    const post = await insertPost(db(), author.user.id, { content: 'buy cheap watches' })
    const reply = await insertComment(db(), { postId: post.id, userId: author.user.id, content: 'dm me' })
    const a = await fileReport(r1, { postId: post.id, description: 'spam again' })
    const b = await fileReport(r2, { postId: post.id })
    const c = await fileReport(r1, { commentId: reply.id, reason: 'harassment' })
    const d = await fileReport(r2, { userId: author.user.id, reason: 'fake_profile' })

    const body = json(await queue('?limit=100'))
    const ids = body.items.map((i: { id: number }) => i.id)
    expect(ids.slice(0, 4)).toEqual([d.id, c.id, b.id, a.id])
    const byId = new Map(body.items.map((i: { id: number }) => [i.id, i]))

    expect(byId.get(a.id)).toMatchObject({
      reason: 'spam',
      description: 'spam again',
      status: 'pending',
      reporter: { id: r1.user.id, username: r1.user.username, role: 'user', isBlocked: false },
      reviewedBy: null,
      reviewedAt: null,
      target: {
        type: 'post',
        id: post.id,
        user: { id: author.user.id, username: author.user.username },
        content: 'buy cheap watches',
        imageUrls: ['https://cdn.example.test/a.webp'],
        postId: null,
        isDeleted: false,
      },
      otherReports: { total: 1, pending: 1 },
    })
    expect(byId.get(c.id)).toMatchObject({
      target: { type: 'comment', id: reply.id, content: 'dm me', postId: post.id, parentCommentId: null, user: { id: author.user.id } },
      otherReports: { total: 0, pending: 0 },
    })
    expect(byId.get(d.id)).toMatchObject({
      target: { type: 'user', id: author.user.id, content: null, imageUrls: [], user: { id: author.user.id } },
    })
  })

  it('filters by status and target type, and pages with a cursor without repeats', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    const made: number[] = []
    for (let i = 0; i < 5; i++) made.push((await fileReport(reporter, { postId: (await insertPost(db(), author.user.id)).id })).id)
    expect((await decide(made[0]!, { status: 'dismissed' })).statusCode).toBe(200)

    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page: { items: { id: number; status: string; target: { type: string } }[]; nextCursor: string | null } = json(
        await queue(`?status=pending&targetType=post&limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      )
      expect(page.items.length).toBeLessThanOrEqual(2)
      for (const i of page.items) expect(i).toMatchObject({ status: 'pending', target: { type: 'post' } })
      seen.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual([...seen].sort((x, y) => y - x))
    expect(seen).toEqual(expect.arrayContaining(made.slice(1)))
    expect(seen).not.toContain(made[0])

    const dismissed = json(await queue('?status=dismissed'))
    expect(dismissed.items.map((i: { id: number }) => i.id)).toContain(made[0])
    expectProblem(await queue('?status=open'), 400, 'validation_failed')
    expectProblem(await queue('?cursor=nonsense'), 400, 'invalid_cursor')
    expectProblem(await queue('?limit=101'), 400, 'validation_failed')
  })

  it('loads a page in the same number of queries whatever its size', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    for (let i = 0; i < 6; i++) {
      const post = await insertPost(db(), author.user.id)
      await fileReport(reporter, { postId: post.id })
      await fileReport(reporter, { commentId: (await insertComment(db(), { postId: post.id, userId: author.user.id })).id })
    }
    // Count what reaches the driver (pg.Pool or PGlite): both expose query().
    const client = (db() as unknown as { $client: { query: (...args: unknown[]) => Promise<unknown> } }).$client
    const original = client.query
    let queries = 0
    client.query = function (this: unknown, ...args: unknown[]) {
      queries++
      return original.apply(this, args)
    }
    const count = async (limit: number) => {
      queries = 0
      const res = await queue(`?limit=${limit}`)
      expect(json(res).items).toHaveLength(limit)
      return queries
    }
    try {
      await count(1) // warm-up: the admin's session is cached after this
      const small = await count(2)
      const large = await count(12)
      expect(small).toBeGreaterThanOrEqual(5) // skeleton, posts, comments, counts, people
      expect(large).toBe(small)
    } finally {
      client.query = original
    }
  })

  it('shows deleted content to admins, flagged', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    const post = await insertPost(db(), author.user.id, { content: 'soon gone' })
    const r = await fileReport(reporter, { postId: post.id })
    await db().update(posts).set({ isDeleted: true }).where(eq(posts.id, post.id))
    const item = json(await queue('?limit=100')).items.find((i: { id: number }) => i.id === r.id)
    expect(item.target).toMatchObject({ content: 'soon gone', isDeleted: true })
  })
})

describe('deciding a report', () => {
  it('moves pending → reviewed → resolved, recording who and when', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    const r = await fileReport(reporter, { userId: author.user.id })
    const reviewed = await decide(r.id, { status: 'reviewed' })
    expect(reviewed.statusCode).toBe(200)
    expect(json(reviewed)).toMatchObject({ status: 'reviewed', reviewedBy: { id: admin.user.id } })
    const firstAt = Date.parse(json(reviewed).reviewedAt)
    expect(Math.abs(Date.now() - firstAt)).toBeLessThan(60_000)
    const resolved = json(await decide(r.id, { status: 'resolved', action: 'none' }))
    expect(resolved).toMatchObject({ status: 'resolved', reviewedBy: { id: admin.user.id } })
    expect(Date.parse(resolved.reviewedAt)).toBeGreaterThanOrEqual(firstAt)
  })

  it('allows pending → resolved and pending → dismissed directly', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    const a = await fileReport(reporter, { userId: author.user.id })
    expect(json(await decide(a.id, { status: 'resolved' })).status).toBe('resolved')
    const b = await fileReport(reporter, { userId: author.user.id })
    expect(json(await decide(b.id, { status: 'dismissed' })).status).toBe('dismissed')
  })

  it('refuses illegal transitions with 409 and changes nothing', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    const pending = await fileReport(reporter, { postId: (await insertPost(db(), author.user.id)).id })
    expectProblem(await decide(pending.id, { status: 'pending' }), 409, 'illegal_transition')

    const reviewed = await fileReport(reporter, { postId: (await insertPost(db(), author.user.id)).id })
    await decide(reviewed.id, { status: 'reviewed' })
    for (const status of ['pending', 'reviewed']) expectProblem(await decide(reviewed.id, { status }), 409, 'illegal_transition')

    const resolved = await fileReport(reporter, { postId: (await insertPost(db(), author.user.id)).id })
    await decide(resolved.id, { status: 'resolved' })
    for (const status of ['pending', 'reviewed', 'resolved', 'dismissed']) {
      expectProblem(await decide(resolved.id, { status }), 409, 'illegal_transition')
    }
    const dismissed = await fileReport(reporter, { postId: (await insertPost(db(), author.user.id)).id })
    await decide(dismissed.id, { status: 'dismissed' })
    for (const status of ['pending', 'reviewed', 'resolved', 'dismissed']) {
      expectProblem(await decide(dismissed.id, { status }), 409, 'illegal_transition')
    }
    const [row] = await db().select().from(reports).where(eq(reports.id, dismissed.id))
    expect(row!.status).toBe('dismissed')
  })

  it('validates the decision', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    const r = await fileReport(reporter, { userId: author.user.id })
    expectProblem(await decide(r.id, { status: 'closed' }), 400, 'validation_failed')
    expectProblem(await decide(r.id, { status: 'resolved', action: 'ban' }), 400, 'validation_failed')
    expectProblem(await decide(r.id, { status: 'resolved', note: 'x' }), 400, 'validation_failed')
    expectProblem(await decide(r.id, { status: 'reviewed', action: 'block_user' }), 400, 'action_requires_resolved')
    expectProblem(await decide(r.id, { status: 'dismissed', action: 'delete_content' }), 400, 'action_requires_resolved')
    expectProblem(await decide(r.id, { status: 'resolved', action: 'delete_content' }), 400, 'nothing_to_delete')
    expectProblem(await decide(2_000_000_000, { status: 'resolved' }), 404, 'not_found')
    // none of the refusals moved it
    expect(json(await decide(r.id, { status: 'reviewed' })).status).toBe('reviewed')
  })

  it('delete_content soft-deletes a post once, keeps posts_count right, and resolves the other open reports of it', async () => {
    const [author, r1, r2, r3] = [await register(t.app), await register(t.app), await register(t.app), await register(t.app)]
    const post = await insertPost(db(), author.user.id, { content: 'spam spam' })
    await insertPost(db(), author.user.id)
    expect((await userById(db(), author.user.id)).postsCount).toBe(2)
    const a = await fileReport(r1, { postId: post.id })
    const b = await fileReport(r2, { postId: post.id })
    const c = await fileReport(r3, { postId: post.id })
    await decide(c.id, { status: 'dismissed' })

    const res = await decide(a.id, { status: 'resolved', action: 'delete_content' })
    expect(res.statusCode).toBe(200)
    expect(json(res)).toMatchObject({ status: 'resolved', target: { isDeleted: true, content: 'spam spam' } })
    expect((await postById(db(), post.id)).isDeleted).toBe(true)
    expect((await userById(db(), author.user.id)).postsCount).toBe(1)

    const rows = await db()
      .select()
      .from(reports)
      .where(inArray(reports.id, [a.id, b.id, c.id]))
    const status = Object.fromEntries(rows.map((r) => [r.id, r.status]))
    expect(status).toEqual({ [a.id]: 'resolved', [b.id]: 'resolved', [c.id]: 'dismissed' })
    expect(rows.find((r) => r.id === b.id)!.reviewedBy).toBe(admin.user.id)

    // The post is gone for everyone else: nobody can report it again, and a second deletion is a no-op.
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/reports',
        headers: r1.headers,
        payload: { reason: 'spam', postId: post.id },
      }),
      404,
    )
    const [audit] = await db().select().from(adminAuditLog).where(eq(adminAuditLog.targetId, a.id)).orderBy(adminAuditLog.id)
    expect(audit).toMatchObject({ actorId: admin.user.id, action: 'report.update', targetType: 'report' })
    expect(audit!.details).toMatchObject({
      from: 'pending',
      to: 'resolved',
      action: 'delete_content',
      contentDeleted: true,
      alsoResolved: [b.id],
    })
  })

  it('delete_content on a post its author already deleted changes no counter', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    const post = await insertPost(db(), author.user.id)
    const r = await fileReport(reporter, { postId: post.id })
    // the author deletes it meanwhile (as DELETE /posts/:id would: flag and counter together)
    await db().update(posts).set({ isDeleted: true }).where(eq(posts.id, post.id))
    await db().update(users).set({ postsCount: 0 }).where(eq(users.id, author.user.id))
    const res = await decide(r.id, { status: 'resolved', action: 'delete_content' })
    expect(res.statusCode).toBe(200)
    expect((await userById(db(), author.user.id)).postsCount).toBe(0)
    const [audit] = await db().select().from(adminAuditLog).where(eq(adminAuditLog.targetId, r.id))
    expect(audit!.details).toMatchObject({ contentDeleted: false })
  })

  it('delete_content on a reply keeps the post’s comment_count and the parent’s reply_count right', async () => {
    const [author, replier, reporter] = [await register(t.app), await register(t.app), await register(t.app)]
    const post = await insertPost(db(), author.user.id)
    const top = await insertComment(db(), { postId: post.id, userId: author.user.id })
    const reply = await insertComment(db(), { postId: post.id, userId: replier.user.id, parentCommentId: top.id, content: 'rude' })
    await insertComment(db(), { postId: post.id, userId: author.user.id, parentCommentId: top.id })
    expect((await postById(db(), post.id)).commentCount).toBe(3)
    expect((await commentById(db(), top.id)).replyCount).toBe(2)

    const r = await fileReport(reporter, { commentId: reply.id, reason: 'harassment' })
    const res = json(await decide(r.id, { status: 'resolved', action: 'delete_content' }))
    expect(res.target).toMatchObject({ type: 'comment', content: 'rude', isDeleted: true, postId: post.id, parentCommentId: top.id })
    expect((await commentById(db(), reply.id)).isDeleted).toBe(true)
    expect((await postById(db(), post.id)).commentCount).toBe(2)
    expect((await commentById(db(), top.id)).replyCount).toBe(1)

    // a top-level comment: only the post's count moves
    const r2 = await fileReport(reporter, { commentId: top.id })
    await decide(r2.id, { status: 'resolved', action: 'delete_content' })
    expect((await postById(db(), post.id)).commentCount).toBe(1)
    expect((await commentById(db(), top.id)).replyCount).toBe(1)
  })

  it('block_user blocks the author of reported content and ends their sessions at once', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    const comment = await insertComment(db(), { postId: (await insertPost(db(), reporter.user.id)).id, userId: author.user.id })
    expect((await me(author)).statusCode).toBe(200)
    const r = await fileReport(reporter, { commentId: comment.id, reason: 'harassment' })
    const res = json(await decide(r.id, { status: 'resolved', action: 'block_user' }))
    expect(res.target.user).toMatchObject({ id: author.user.id, isBlocked: true })
    expect(res.target.isDeleted).toBe(false) // blocking hides, it does not delete
    expectProblem(await me(author), 401, 'session_revoked')
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/auth/login',
        payload: { login: author.user.username, password: author.password },
      }),
      403,
      'account_blocked',
    )
    const actions = (await db().select().from(adminAuditLog).where(eq(adminAuditLog.actorId, admin.user.id))).map(
      (a) => `${a.action}:${a.targetId}`,
    )
    expect(actions).toEqual(expect.arrayContaining([`user.block:${author.user.id}`, `report.update:${r.id}`]))
  })

  it('block_user on a user report blocks that user; an admin cannot block themselves through a report', async () => {
    const [target, reporter] = [await register(t.app), await register(t.app)]
    const r = await fileReport(reporter, { userId: target.user.id, reason: 'fake_profile' })
    expect(json(await decide(r.id, { status: 'resolved', action: 'block_user' })).target.user.isBlocked).toBe(true)
    expect((await userById(db(), target.user.id)).isBlocked).toBe(true)

    const onAdmin = await fileReport(reporter, { userId: admin.user.id })
    expectProblem(await decide(onAdmin.id, { status: 'resolved', action: 'block_user' }), 409, 'cannot_block_self')
    const [row] = await db().select().from(reports).where(eq(reports.id, onAdmin.id))
    expect(row!.status).toBe('pending') // the whole decision rolled back
  })

  it('lets exactly one of two concurrent decisions on the same report through', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    const r = await fileReport(reporter, { userId: author.user.id })
    const results = await Promise.all([decide(r.id, { status: 'resolved' }), decide(r.id, { status: 'dismissed' })])
    expect(results.map((x) => x.statusCode).sort()).toEqual([200, 409])
  })
})

describe('the audit trail', () => {
  it('lists admin actions newest first with their actor, filterable by target', async () => {
    const [author, reporter] = [await register(t.app), await register(t.app)]
    const r = await fileReport(reporter, { userId: author.user.id })
    await decide(r.id, { status: 'reviewed' })
    await decide(r.id, { status: 'dismissed' })
    const page = json(await t.app.inject({ url: `/api/hearth/v1/admin/audit?targetType=report&targetId=${r.id}`, headers: admin.headers }))
    expect(page.items).toHaveLength(2)
    expect(page.items[0]).toMatchObject({
      action: 'report.update',
      targetType: 'report',
      targetId: r.id,
      actor: { id: admin.user.id },
      details: { from: 'reviewed', to: 'dismissed' },
    })
    expect(page.items[1].details).toMatchObject({ from: 'pending', to: 'reviewed', action: 'none' })
  })

  it('writes a structured log line on the admin logger for each action', async () => {
    const lines: Record<string, unknown>[] = []
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) })
    const ctx = await createContext(t.ctx.config, { database: t.ctx.database, logger, ...(t.ctx.redis ? { redis: t.ctx.redis } : {}) })
    const services = composeServices(ctx)
    const app = await buildApp(ctx, services)
    try {
      const [author, reporter] = [await register(app), await register(app)]
      const post = await insertPost(db(), author.user.id)
      const r = json(
        await app.inject({
          method: 'POST',
          url: '/api/hearth/v1/reports',
          headers: reporter.headers,
          payload: { reason: 'spam', postId: post.id },
        }),
      )
      const session = await login(app, ROOT_ADMIN.ADMIN_EMAIL, ROOT_ADMIN.ADMIN_PASSWORD)
      const res = await app.inject({
        method: 'PATCH',
        url: `/api/hearth/v1/admin/reports/${r.id}`,
        headers: session.headers,
        payload: { status: 'resolved', action: 'delete_content' },
      })
      expect(res.statusCode).toBe(200)
      const admin = lines.filter((l) => l.subsystem === 'admin')
      expect(admin.map((l) => l.action)).toEqual(['post.delete', 'report.update'])
      expect(admin[1]).toMatchObject({
        level: 30,
        actorId: session.user.id,
        targetType: 'report',
        targetId: r.id,
        details: { action: 'delete_content' },
      })
      expect(typeof admin[1]!.at).toBe('string')
      expect(typeof admin[1]!.auditId).toBe('number')
    } finally {
      await app.close()
      await services.close()
      await ctx.close()
    }
  })
})
