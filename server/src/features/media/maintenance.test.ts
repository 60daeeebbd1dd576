// Media retention and the orphan sweeper against real parts: the suite's database (PGlite or
// PostgreSQL) with local disk and with s3rver. Time is driven through the `now` the job is given.
import { randomBytes } from 'node:crypto'
import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { posts, users } from '../../db/schema.js'
import { json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { ADVISORY_LOCKS } from '../../platform/jobs/index.js'
import { hiddenKeyOf } from './hidden.js'
import { startMediaMaintenance, type MediaJob } from './maintenance-job.js'
import { png, uploadForm } from './test-images.js'
import { DAY, photoPost as postWithPhoto, startMediaSuite, storageKinds, storedKeys } from './test-storage.js'

describe.each(storageKinds('media'))('media maintenance on %s storage', (_kind, storageEnv) => {
  let h: Harness
  let t: TestApp
  let job: MediaJob
  let admin: Session
  let author: Session
  let env: Record<string, string>

  beforeAll(async () => {
    ;({ h, t, env, job, admin, author } = await startMediaSuite(storageEnv()))
  })
  afterAll(async () => {
    await job?.stop()
    await h?.close()
  })

  const stored = (keys: string[]) => storedKeys(t, keys)
  const photoPost = (s: Session, content: string) => postWithPhoto(t, s, content)
  const reportTarget = async (reportId: number) => {
    const res = await t.app.inject({ url: '/api/hearth/v1/admin/reports?limit=100', headers: admin.headers })
    return json(res).items.find((r: { id: number }) => r.id === reportId).target
  }
  const put = (key: string) => t.ctx.storage.put(key, Buffer.from('x'), { contentType: 'image/webp' })
  const hex = () => randomBytes(16).toString('hex')

  it('keeps the photos of deleted posts for the retention period, then removes them once; live posts keep theirs', async () => {
    const live = await photoPost(author, 'stays')
    const own = await photoPost(author, 'deleted by its author')
    const moderated = await photoPost(author, 'deleted by a moderator')
    const textOnly = json(
      await t.app.inject({ method: 'POST', url: '/api/hearth/v1/posts', headers: author.headers, payload: { content: 'no photos' } }),
    ).id

    expect((await t.app.inject({ method: 'DELETE', url: `/api/hearth/v1/posts/${own.id}`, headers: author.headers })).statusCode).toBe(204)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/hearth/v1/posts/${textOnly}`, headers: author.headers })).statusCode).toBe(
      204,
    )
    const reporter = await register(t.app)
    const report = json(
      await t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/reports',
        headers: reporter.headers,
        payload: { reason: 'spam', postId: moderated.id },
      }),
    )
    const decided = await t.app.inject({
      method: 'PATCH',
      url: `/api/hearth/v1/admin/reports/${report.id}`,
      headers: admin.headers,
      payload: { status: 'resolved', action: 'delete_content' },
    })
    expect(decided.statusCode).toBe(200)

    // both ways of deleting record when
    const rows = await t.ctx.database.db
      .select()
      .from(posts)
      .where(inArray(posts.id, [live.id, own.id, moderated.id, textOnly]))
    const row = (id: number) => rows.find((r) => r.id === id)!
    for (const id of [own.id, moderated.id, textOnly]) {
      expect(row(id).isDeleted).toBe(true)
      expect(Math.abs(row(id).deletedAt!.getTime() - Date.now())).toBeLessThan(60_000)
    }
    expect(row(live.id).deletedAt).toBeNull()

    // within the retention period nothing moves, and moderators still see the photos
    const now = new Date()
    expect(await job.runOnce({ now: new Date(now.getTime() + 29 * DAY), sweep: false })).toEqual({
      hidden: { posts: 0 },
      retention: { posts: 0, objects: 0 },
    })
    // (out of the public area since the deletion: hidden keys, which moderators load through signed admin URLs)
    const hidden = [...own.keys, ...moderated.keys].map(hiddenKeyOf)
    const all = [...live.keys, ...own.keys, ...moderated.keys, ...hidden]
    expect(await stored(all)).toEqual([...live.keys, ...hidden])
    expect(await reportTarget(report.id)).toMatchObject({
      isDeleted: true,
      imageCount: 1,
      imagesRemovedAt: null,
      imageUrls: [expect.stringContaining('/api/hearth/v1/admin/media/public/posts/')],
    })

    // past it, the deleted posts' photos go and the posts are marked
    const later = new Date(now.getTime() + 31 * DAY)
    expect(await job.runOnce({ now: later, sweep: false })).toEqual({ hidden: { posts: 0 }, retention: { posts: 2, objects: 4 } })
    expect(await stored(all)).toEqual(live.keys)
    const after = await t.ctx.database.db
      .select()
      .from(posts)
      .where(inArray(posts.id, [live.id, own.id, moderated.id, textOnly]))
    const marked = Object.fromEntries(after.map((r) => [r.id, r.mediaRemovedAt !== null]))
    expect(marked).toEqual({ [live.id]: false, [own.id]: true, [moderated.id]: true, [textOnly]: false })

    // the queue says the photos were removed instead of linking to nothing
    const target = await reportTarget(report.id)
    expect(target).toMatchObject({ isDeleted: true, imageCount: 1, imageUrls: [], content: 'deleted by a moderator' })
    expect(Date.parse(target.imagesRemovedAt)).not.toBeNaN()

    // never revisited; the live post is still served with its photos
    expect(await job.runOnce({ now: new Date(later.getTime() + 365 * DAY), sweep: false })).toEqual({
      hidden: { posts: 0 },
      retention: { posts: 0, objects: 0 },
    })
    const shown = json(await t.app.inject({ url: `/api/hearth/v1/posts/${live.id}` }))
    expect(shown.images).toHaveLength(1)
    expect(await stored(live.keys)).toEqual(live.keys)
  })

  it('removes orphans older than the grace period and keeps what any row references', async () => {
    // referenced: a live post's photos, a deleted post's photos within retention, an avatar, an attachment
    const live = await photoPost(author, 'live')
    const deleted = await photoPost(author, 'deleted, still retained')
    await t.app.inject({ method: 'DELETE', url: `/api/hearth/v1/posts/${deleted.id}`, headers: author.headers })
    const avatarForm = await uploadForm([{ name: 'file', filename: 'me.png', type: 'image/png', data: await png(50, 50) }])
    const avatarRes = await t.app.inject({
      method: 'PUT',
      url: '/api/hearth/v1/users/me/avatar',
      payload: avatarForm.payload,
      headers: { ...avatarForm.headers, ...author.headers },
    })
    expect(avatarRes.statusCode).toBe(200)
    const avatarKey = t.ctx.storage.keyFromPublicUrl(json(avatarRes).avatarUrl)!
    const avatarKeys = [avatarKey, avatarKey.replace('-400.webp', '-96.webp')]
    // an avatar stored under an earlier PUBLIC_URL / S3_PUBLIC_URL is still an avatar
    const movedName = hex()
    const moved = await register(t.app)
    await t.ctx.database.db
      .update(users)
      .set({ avatarUrl: `https://old-host.example/media/public/avatars/${movedName}-400.webp` })
      .where(eq(users.id, moved.user.id))
    const movedKeys = [`public/avatars/${movedName}-400.webp`, `public/avatars/${movedName}-96.webp`]
    await Promise.all(movedKeys.map(put))
    const friend = await register(t.app)
    const conv = json(
      await t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/conversations',
        headers: author.headers,
        payload: { userId: friend.user.id },
      }),
    )
    const fileForm = await uploadForm([
      { name: 'content', data: 'see attached' },
      { name: 'file', filename: 'notes.txt', type: 'text/plain', data: Buffer.from('some notes') },
    ])
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/hearth/v1/conversations/${conv.id}/messages`,
      payload: fileForm.payload,
      headers: { ...fileForm.headers, ...author.headers },
    })
    expect(sent.statusCode).toBe(201)
    const attachmentKeys = await t.ctx.storage.list('private/attachments/')
    expect(attachmentKeys).toHaveLength(1)

    // orphans: what an upload leaves when the process dies before its row is inserted
    const orphans = [
      `public/posts/2026/11/${hex()}-1080.webp`,
      `public/posts/2026/11/${hex()}-320.webp`,
      `public/avatars/${hex()}-400.webp`,
      `private/attachments/2026/11/${hex()}`,
      `private/hidden/posts/2026/11/${hex()}-1080.webp`,
    ]
    // not the media service's keys: never judged
    const foreign = ['public/posts/README.txt', `elsewhere/${hex()}.bin`]
    await Promise.all([...orphans, ...foreign].map(put))
    const referenced = [...live.keys, ...deleted.keys.map(hiddenKeyOf), ...avatarKeys, ...movedKeys, ...attachmentKeys]

    // fresh: within the grace period nothing is removed
    const sweepNow = await job.runOnce({ sweep: true })
    expect(sweepNow?.orphans?.removed).toBe(0)
    expect(await stored([...orphans, ...foreign, ...referenced])).toEqual([...orphans, ...foreign, ...referenced])

    // a day and more later, the orphans go and every referenced object stays
    const run = await job.runOnce({ now: new Date(Date.now() + 25 * 3_600_000), sweep: true })
    expect(run?.orphans?.removed).toBeGreaterThanOrEqual(orphans.length) // the earlier test's objects are all referenced
    expect(await stored(orphans)).toEqual([])
    expect(await stored([...foreign, ...referenced])).toEqual([...foreign, ...referenced])
    const attachment = await t.app.inject({ url: `/api/hearth/v1/messages/${json(sent).id}/attachment`, headers: friend.headers })
    expect(attachment.statusCode).toBe(200)
    expect(attachment.body).toBe('some notes')
  })

  it('runs in one instance at a time: two instances at once both finish, one does the work', async () => {
    const other = await h.start(env)
    const otherJob = startMediaMaintenance(other.ctx, { schedule: false })
    try {
      // while one instance holds the lock, the other skips its turn instead of waiting or failing
      const skipped = await t.ctx.database.exclusive(ADVISORY_LOCKS.mediaMaintenance, () => otherJob.runOnce({ sweep: true }))
      expect(skipped).toEqual({ ran: true, value: null })

      const orphan = `public/posts/2026/10/${hex()}-1080.webp`
      const kept = await photoPost(author, 'kept')
      await put(orphan)
      const later = new Date(Date.now() + 25 * 3_600_000)
      const runs = await Promise.all([job.runOnce({ now: later, sweep: true }), otherJob.runOnce({ now: later, sweep: true })])
      expect(runs.filter((r) => r !== null).length).toBeGreaterThanOrEqual(1)
      expect(await stored([orphan])).toEqual([])
      expect(await stored(kept.keys)).toEqual(kept.keys)
    } finally {
      await otherJob.stop()
      await other.close()
    }
  })
})
