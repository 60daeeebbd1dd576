// A deleted post's photos leave the public area at once (issue 12 item 4), stay reachable for
// administrators through the admin media route until the retention job removes them, and a deletion
// whose move never happened is repaired by the job. Against real parts: the suite's database
// (PGlite or PostgreSQL) with local disk and with s3rver, whose public URLs are fetched over HTTP.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { posts } from '../../db/schema.js'
import { json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { hiddenKeyOf } from './hidden.js'
import type { MediaJob } from './maintenance-job.js'
import { DAY, photoPost as postWithPhoto, startMediaSuite, storageKinds, storedKeys } from './test-storage.js'

describe.each(storageKinds('hidden'))('photos of deleted posts on %s storage', (kind, storageEnv) => {
  let h: Harness
  let t: TestApp
  let job: MediaJob
  let admin: Session
  let author: Session
  let stranger: Session

  beforeAll(async () => {
    ;({ h, t, job, admin, author } = await startMediaSuite(storageEnv(), { retentionDays: 30 }))
    stranger = await register(t.app)
  })
  afterAll(async () => {
    await job?.stop()
    await h?.close()
  })

  const photoPost = (content: string) => postWithPhoto(t, author, content)

  /** The status a browser gets for a public photo URL: this server's /media route, or the S3 server over HTTP. */
  const publicStatus = async (url: string) => {
    if (kind === 'disk') return (await t.app.inject({ url: new URL(url).pathname })).statusCode
    const res = await fetch(url)
    await res.arrayBuffer()
    return res.status
  }
  const statuses = (urls: string[]) => Promise.all(urls.map(publicStatus))
  /** A relative path for inject() from an absolute URL of this server. */
  const path = (url: string) => {
    const u = new URL(url)
    return u.pathname + u.search
  }
  const adminPath = (key: string) => `/api/hearth/v1/admin/media/${key}`
  const stored = (keys: string[]) => storedKeys(t, keys)
  const reportAndDelete = async (postId: number) => {
    const reporter = await register(t.app)
    const report = json(
      await t.app.inject({ method: 'POST', url: '/api/hearth/v1/reports', headers: reporter.headers, payload: { reason: 'spam', postId } }),
    )
    const decided = await t.app.inject({
      method: 'PATCH',
      url: `/api/hearth/v1/admin/reports/${report.id}`,
      headers: admin.headers,
      payload: { status: 'resolved', action: 'delete_content' },
    })
    expect(decided.statusCode).toBe(200)
    return json(decided).target as { imageUrls: string[]; isDeleted: boolean }
  }

  it('an author’s deletion makes the public URLs 404 at once; administrators still load the photos, nobody else', async () => {
    const post = await photoPost('soon gone')
    expect(await statuses(post.urls)).toEqual([200, 200])

    const del = await t.app.inject({ method: 'DELETE', url: `/api/hearth/v1/posts/${post.id}`, headers: author.headers })
    expect(del.statusCode).toBe(204)
    // the very next request: the objects left the public area before the answer
    expect(await statuses(post.urls)).toEqual([404, 404])
    expect(await stored(post.keys)).toEqual([])
    expect(await stored(post.keys.map(hiddenKeyOf))).toEqual(post.keys.map(hiddenKeyOf))
    const [row] = await t.ctx.database.db.select({ hiddenAt: posts.mediaHiddenAt }).from(posts).where(eq(posts.id, post.id))
    expect(row!.hiddenAt).not.toBeNull()

    // an administrator, by Bearer token
    const byAdmin = await t.app.inject({ url: adminPath(post.keys[0]!), headers: admin.headers })
    expect(byAdmin.statusCode).toBe(200)
    expect(byAdmin.headers['content-type']).toBe('image/webp')
    expect(byAdmin.headers['cache-control']).toMatch(/^private/)
    expect(byAdmin.rawPayload.subarray(8, 12).toString()).toBe('WEBP')

    // anyone else: refused, whether anonymous, signed in, or with a made-up or altered signature
    expect((await t.app.inject({ url: adminPath(post.keys[0]!) })).statusCode).toBe(401)
    expect((await t.app.inject({ url: adminPath(post.keys[0]!), headers: author.headers })).statusCode).toBe(403)
    expect((await t.app.inject({ url: adminPath(post.keys[0]!), headers: stranger.headers })).statusCode).toBe(403)
    const exp = Math.floor(Date.now() / 1000) + 3600
    const forged = await t.app.inject({ url: `${adminPath(post.keys[0]!)}?exp=${exp}&sig=${'A'.repeat(43)}`, headers: stranger.headers })
    expect(forged.statusCode).toBe(403)
    expect(json(forged).code).toBe('invalid_signature')
    // the private copy is not under any public URL: the disk route refuses private keys
    if (kind === 'disk') expect((await t.app.inject({ url: `/media/${hiddenKeyOf(post.keys[0]!)}` })).statusCode).toBe(404)
  })

  it('a moderator’s deletion hides the photos too, and the report view links them through signed admin URLs', async () => {
    const post = await photoPost('reported')
    expect(await statuses(post.urls)).toEqual([200, 200])
    const target = await reportAndDelete(post.id)
    expect(await statuses(post.urls)).toEqual([404, 404])

    expect(target.isDeleted).toBe(true)
    expect(target.imageUrls).toHaveLength(1)
    const signed = target.imageUrls[0]!
    expect(signed).toContain(`/api/hearth/v1/admin/media/${post.keys[0]}?exp=`)
    // an <img> sends no token: the signed URL alone loads it
    const loaded = await t.app.inject({ url: path(signed) })
    expect(loaded.statusCode).toBe(200)
    expect(loaded.headers['content-type']).toBe('image/webp')
    // the signature is bound to its key and its expiry
    const other = path(signed).replace(post.keys[0]!, post.keys[1]!)
    expect((await t.app.inject({ url: other })).statusCode).toBe(403)
    const exp = Number(new URL(signed).searchParams.get('exp'))
    expect((await t.app.inject({ url: path(signed).replace(`exp=${exp}`, `exp=${exp + 600}`) })).statusCode).toBe(403)
  })

  it('the job hides the photos of a deletion interrupted before its move, and removes hidden photos when retention ends', async () => {
    const post = await photoPost('crash right after the commit')
    // the deletion committed, then the process died before moving anything
    await t.ctx.database.db
      .update(posts)
      .set({ isDeleted: true, deletedAt: sql`now()` })
      .where(eq(posts.id, post.id))
    expect(await statuses(post.urls)).toEqual([200, 200])

    const run = await job.runOnce({ sweep: false })
    expect(run).toEqual({ hidden: { posts: 1 }, retention: { posts: 0, objects: 0 } })
    expect(await statuses(post.urls)).toEqual([404, 404])
    expect((await t.app.inject({ url: adminPath(post.keys[0]!), headers: admin.headers })).statusCode).toBe(200)

    // the orphan sweeper keeps hidden photos whose post is within retention
    await job.runOnce({ now: new Date(Date.now() + 25 * 3_600_000), sweep: true })
    expect(await stored(post.keys.map(hiddenKeyOf))).toEqual(post.keys.map(hiddenKeyOf))

    // past the retention period the hidden copies go (this test's post and the earlier ones)
    const later = await job.runOnce({ now: new Date(Date.now() + 31 * DAY), sweep: false })
    expect(later?.retention.posts).toBeGreaterThanOrEqual(1)
    expect(await t.ctx.storage.list('private/hidden/')).toEqual([])
    expect((await t.app.inject({ url: adminPath(post.keys[0]!), headers: admin.headers })).statusCode).toBe(404)
  })
})
