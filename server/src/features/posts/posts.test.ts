import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, login, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { queryRows } from '../../platform/db/rows.js'
import { png, uploadForm, type FormPart } from '../media/test-images.js'
import { api, postCounters, setBlocked, userCounters } from './test-support.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>
let admin: Session

beforeAll(async () => {
  h = await createHarness()
  t = await h.start({ ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: 'admin passphrase 1' })
  a = api(t)
  admin = await login(t.app, 'root@example.test', 'admin passphrase 1')
})
afterAll(async () => h.close())

const postForm = async (s: Session | null, parts: FormPart[]) => {
  const form = await uploadForm(parts)
  return t.app.inject({
    method: 'POST',
    url: '/api/hearth/v1/posts',
    payload: form.payload,
    headers: { ...form.headers, ...(s?.headers ?? {}) },
  })
}
const image = async (name = 'photo.png'): Promise<FormPart> => ({
  name: 'images',
  filename: name,
  type: 'image/png',
  data: await png(120, 80),
})
const storedKeys = () => t.ctx.storage.list('public/posts/')
const postRows = async () => {
  const [row] = await queryRows<{ n: number }>(t.ctx.database.db, sql`SELECT count(*)::int AS n FROM posts`)
  return Number(row!.n)
}

describe('creating a post', () => {
  it('takes JSON {content} and answers 201 with the presented post', async () => {
    const u = await register(t.app)
    const res = await a.post('/posts', u, { content: '  First post!  ' })
    expect(res.statusCode).toBe(201)
    const p = json(res)
    expect(p).toMatchObject({
      author: { id: u.user.id, username: u.user.username },
      content: 'First post!',
      images: [],
      likeCount: 0,
      commentCount: 0,
      likedByMe: false,
      edited: false,
    })
    expect(p.createdAt).toBe(p.updatedAt)
    // ISO 8601 in UTC with milliseconds, as Date#toISOString writes it, close to now
    expect(p.createdAt).toBe(new Date(p.createdAt).toISOString())
    expect(Math.abs(Date.parse(p.createdAt) - Date.now())).toBeLessThan(60_000)
    expect(json(await a.get(`/posts/${p.id}`))).toEqual({ ...p, likedByMe: false })
    expect(json(await a.get(`/users/${u.user.id}`)).postsCount).toBe(1)
  })

  it('refuses anonymous callers, empty posts, over-long text and unknown fields', async () => {
    const u = await register(t.app)
    expectProblem(await a.post('/posts', null, { content: 'hi' }), 401, 'unauthorized')
    expectProblem(await a.post('/posts', u, { content: '' }), 400, 'empty_post')
    expectProblem(await a.post('/posts', u, { content: ' \n\t ' }), 400, 'empty_post')
    expectProblem(await a.post('/posts', u, {}), 400, 'validation_failed')
    const long = expectProblem(await a.post('/posts', u, { content: 'x'.repeat(5001) }), 400, 'validation_failed')
    expect(long.errors[0].field).toBe('content')
    expect((await a.post('/posts', u, { content: '🙂'.repeat(5000) })).statusCode).toBe(201)
    expectProblem(await a.post('/posts', u, { content: 'hi', userId: 1 }), 400, 'validation_failed')
    const plain = await t.app.inject({
      method: 'POST',
      url: '/api/hearth/v1/posts',
      headers: { ...u.headers, 'content-type': 'text/plain' },
      payload: 'hi',
    })
    expectProblem(plain, 415, 'unsupported_media_type')
    const none = await t.app.inject({ method: 'POST', url: '/api/hearth/v1/posts', headers: u.headers })
    expectProblem(none, 400)
    expect(json(await a.get(`/users/${u.user.id}`)).postsCount).toBe(1)
  })

  it('takes multipart text and photos: stored re-encoded, presented without storage keys', async () => {
    const u = await register(t.app)
    const res = await postForm(u, [{ name: 'content', data: 'With photos' }, await image('a.png'), await image('b.png')])
    expect(res.statusCode).toBe(201)
    const p = json(res)
    expect(p.content).toBe('With photos')
    expect(p.images).toHaveLength(2)
    for (const img of p.images) {
      expect(Object.keys(img).sort()).toEqual(['alt', 'height', 'placeholder', 'thumbHeight', 'thumbUrl', 'thumbWidth', 'url', 'width'])
      expect(img).toMatchObject({ width: 120, height: 80 })
      expect(img.thumbWidth).toBeLessThanOrEqual(320)
      const path = new URL(img.url).pathname
      const served = await t.app.inject({ url: path })
      expect(served.statusCode).toBe(200)
      expect(served.headers['content-type']).toBe('image/webp')
    }
    // An image alone is a post; so is an image with whitespace for text.
    const only = await postForm(u, [await image()])
    expect(json(only)).toMatchObject({ content: '', images: [expect.objectContaining({ width: 120 })] })
    const textOnly = await postForm(u, [{ name: 'content', data: 'just words' }])
    expect(json(textOnly)).toMatchObject({ content: 'just words', images: [] })
    expect(json(await a.get(`/users/${u.user.id}`)).postsCount).toBe(3)
  })

  it('refuses a multipart post with neither text nor image, too many images, bad files and unknown fields, storing nothing', async () => {
    const u = await register(t.app)
    const keysBefore = await storedKeys()
    const rowsBefore = await postRows()
    expectProblem(await postForm(u, [{ name: 'content', data: '   ' }]), 400, 'empty_post')
    expectProblem(await postForm(u, []), 400, 'empty_post')
    const eleven = await Promise.all(Array.from({ length: 11 }, (_, i) => image(`p${i}.png`)))
    expectProblem(await postForm(u, [{ name: 'content', data: 'too many' }, ...eleven]), 413, 'too_many_files')
    // a renamed text file, and a good image beside it: all or nothing
    const fake: FormPart = { name: 'images', filename: 'cat.png', type: 'image/png', data: Buffer.from('not an image at all, just text') }
    const bad = await postForm(u, [await image(), fake])
    expect(bad.statusCode).toBeGreaterThanOrEqual(400)
    expect(bad.statusCode).toBeLessThan(500)
    expectProblem(
      await postForm(u, [
        { name: 'title', data: 'x' },
        { name: 'content', data: 'x' },
      ]),
      400,
      'validation_failed',
    )
    expectProblem(await postForm(u, [{ name: 'content', data: 'x'.repeat(5001) }]), 400, 'validation_failed')
    expectProblem(await postForm(null, [{ name: 'content', data: 'anon' }, await image()]), 401)
    expect(await storedKeys()).toEqual(keysBefore)
    expect(await postRows()).toBe(rowsBefore)
    expect(json(await a.get(`/users/${u.user.id}`)).postsCount).toBe(0)
  })

  it('removes the stored photos again when the database insert fails', async () => {
    const u = await register(t.app)
    const db = t.ctx.database.db
    // A real failure inside the database, for one marked post only.
    await db.execute(sql`CREATE OR REPLACE FUNCTION refuse_marked_post() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.content = 'insert-must-fail' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$`)
    await db.execute(sql`CREATE TRIGGER refuse_marked_post BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION refuse_marked_post()`)
    try {
      const keysBefore = await storedKeys()
      const res = await postForm(u, [{ name: 'content', data: 'insert-must-fail' }, await image()])
      expect(res.statusCode).toBe(500)
      expect(json(res).detail).not.toMatch(/trigger|refused/)
      expect(await storedKeys()).toEqual(keysBefore)
      expect((await userCounters(t, u.user.id)).postsCount).toBe(0)
    } finally {
      await db.execute(sql`DROP TRIGGER refuse_marked_post ON posts`)
    }
  })
})

describe('reading, editing and deleting', () => {
  it('404s unknown posts and 400s malformed ids', async () => {
    expectProblem(await a.get('/posts/2147483647'), 404, 'not_found')
    expectProblem(await a.get('/posts/abc'), 400, 'validation_failed')
    expectProblem(await a.get('/posts/0'), 400, 'validation_failed')
    expectProblem(await a.get('/posts/99999999999'), 400, 'validation_failed')
    const u = await register(t.app)
    expectProblem(await a.patch('/posts/abc', u, { content: 'x' }), 400, 'validation_failed')
    expectProblem(await a.del('/posts/-5', u), 400, 'validation_failed')
  })

  it('lets only the author edit, marking the post edited', async () => {
    const author = await register(t.app)
    const other = await register(t.app)
    const p = await a.createPost(author, 'original')
    expectProblem(await a.patch(`/posts/${p.id}`, null, { content: 'anon edit' }), 401)
    expectProblem(await a.patch(`/posts/${p.id}`, other, { content: 'hijacked' }), 403, 'forbidden')
    expectProblem(await a.patch(`/posts/${p.id}`, admin, { content: 'admin edit' }), 403, 'forbidden')
    expectProblem(await a.patch(`/posts/${p.id}`, author, { content: '   ' }), 400, 'empty_post')
    expectProblem(await a.patch(`/posts/${p.id}`, author, { content: 'x'.repeat(5001) }), 400, 'validation_failed')
    expectProblem(await a.patch(`/posts/${p.id}`, author, { content: 'x', extra: true }), 400, 'validation_failed')
    const res = await a.patch(`/posts/${p.id}`, author, { content: ' edited ' })
    expect(res.statusCode).toBe(200)
    const edited = json(res)
    expect(edited).toMatchObject({ id: p.id, content: 'edited', edited: true, createdAt: p.createdAt })
    expect(json(await a.get(`/posts/${p.id}`)).content).toBe('edited')
  })

  it('lets an image post lose its text but not both', async () => {
    const u = await register(t.app)
    const p = json(await postForm(u, [{ name: 'content', data: 'caption' }, await image()]))
    const res = await a.patch(`/posts/${p.id}`, u, { content: '' })
    expect(res.statusCode).toBe(200)
    expect(json(res)).toMatchObject({ content: '', images: [expect.anything()] })
  })

  it('lets the author or an admin delete; deleted posts 404 everywhere and keep their likes and comments', async () => {
    const author = await register(t.app)
    const other = await register(t.app)
    const p1 = await a.createPost(author, 'one')
    const p2 = await a.createPost(author, 'two')
    await a.put(`/posts/${p1.id}/like`, other)
    await a.comment(other, p1.id, 'nice')
    expect((await userCounters(t, author.user.id)).postsCount).toBe(2)

    expectProblem(await a.del(`/posts/${p1.id}`, null), 401)
    expectProblem(await a.del(`/posts/${p1.id}`, other), 403, 'forbidden')
    expect((await a.del(`/posts/${p1.id}`, author)).statusCode).toBe(204)
    expect((await a.del(`/posts/${p2.id}`, admin)).statusCode).toBe(204)
    expectProblem(await a.del(`/posts/${p1.id}`, author), 404)

    for (const p of [p1, p2]) {
      expectProblem(await a.get(`/posts/${p.id}`), 404, 'not_found')
      expectProblem(await a.patch(`/posts/${p.id}`, author, { content: 'zombie' }), 404)
      expectProblem(await a.put(`/posts/${p.id}/like`, other), 404)
      expectProblem(await a.get(`/posts/${p.id}/comments`), 404)
      expectProblem(await a.get(`/posts/${p.id}/likes`), 404)
      expectProblem(await a.post(`/posts/${p.id}/comments`, other, { content: 'late' }), 404)
    }
    expect(json(await a.get(`/users/${author.user.id}/posts`)).items).toEqual([])
    const explore = await a.all('/feed/explore', null, 100)
    expect(explore.map((p: { id: number }) => p.id)).not.toContain(p1.id)
    const counters = await userCounters(t, author.user.id)
    expect(counters.postsCount).toBe(0)
    expect(counters.postsCount).toBe(counters.postsRows)
    // likes and comments stay in the database
    expect(await postCounters(t, p1.id)).toMatchObject({ likeCount: 1, likeRows: 1, commentCount: 1, commentRows: 1 })
  })

  it('hides posts of blocked users', async () => {
    const u = await register(t.app)
    const viewer = await register(t.app)
    const p = await a.createPost(u, 'soon hidden')
    await setBlocked(t, u.user.id, true)
    try {
      expectProblem(await a.get(`/posts/${p.id}`, viewer), 404)
      expectProblem(await a.get(`/users/${u.user.id}/posts`), 404)
      expectProblem(await a.put(`/posts/${p.id}/like`, viewer), 404)
      const explore = await a.all('/feed/explore', viewer, 100)
      expect(explore.map((x: { id: number }) => x.id)).not.toContain(p.id)
    } finally {
      await setBlocked(t, u.user.id, false)
    }
    expect(json(await a.get(`/posts/${p.id}`)).id).toBe(p.id)
  })
})

describe('a user’s posts', () => {
  it('lists them newest first across pages with no repeats or gaps, with likedByMe for the viewer', async () => {
    const u = await register(t.app)
    const viewer = await register(t.app)
    const made: number[] = []
    for (let i = 0; i < 7; i++) made.push((await a.createPost(u, `post ${i}`)).id)
    await a.put(`/posts/${made[2]}/like`, viewer)
    const items = await a.all(`/users/${u.user.id}/posts`, viewer, 3)
    expect(items.map((p: { id: number }) => p.id)).toEqual([...made].reverse())
    expect(items.filter((p: { likedByMe: boolean }) => p.likedByMe).map((p: { id: number }) => p.id)).toEqual([made[2]])
    const anon = await a.all(`/users/${u.user.id}/posts`, null, 100)
    expect(anon.every((p: { likedByMe: boolean }) => !p.likedByMe)).toBe(true)
    expect(anon.find((p: { id: number }) => p.id === made[2]).likeCount).toBe(1)
  })

  it('orders posts created in the same instant by id, and survives microsecond timestamps', async () => {
    const u = await register(t.app)
    const db = t.ctx.database.db
    // Same created_at for three posts, and two a microsecond apart: a millisecond cursor would
    // skip or repeat some of these.
    const ids: number[] = []
    for (const at of [
      '2024-05-01 10:00:00.123456+00',
      '2024-05-01 10:00:00.123456+00',
      '2024-05-01 10:00:00.123456+00',
      '2024-05-01 10:00:00.123457+00',
      '2024-05-01 10:00:00.123455+00',
    ]) {
      const [row] = await queryRows<{ id: number }>(
        db,
        sql`INSERT INTO posts (user_id, content, created_at, updated_at) VALUES (${u.user.id}, 'timed', ${at}::timestamptz, ${at}::timestamptz) RETURNING id`,
      )
      ids.push(Number(row!.id))
    }
    const items = await a.all(`/users/${u.user.id}/posts`, null, 1)
    expect(items.map((p: { id: number }) => p.id)).toEqual([ids[3], ids[2], ids[1], ids[0], ids[4]])
  })

  it('refuses bad cursors and limits with 400, and unknown users with 404', async () => {
    const u = await register(t.app)
    expectProblem(await a.get(`/users/${u.user.id}/posts?cursor=garbage`), 400, 'invalid_cursor')
    const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    for (const c of [
      forged(['2024-13-45T99:99:99.000000Z', 5]),
      forged(['2024-01-01T00:00:00Z', 5]),
      forged(['2024-01-01T00:00:00.000000Z', -1]),
      forged([1, 2]),
      forged(['2024-01-01T00:00:00.000000Z', 2 ** 40]),
      forged(['0000-01-01T00:00:00.000000Z', 1]),
    ]) {
      expectProblem(await a.get(`/users/${u.user.id}/posts?cursor=${c}`), 400, 'invalid_cursor')
    }
    expectProblem(await a.get(`/users/${u.user.id}/posts?limit=0`), 400, 'validation_failed')
    expectProblem(await a.get(`/users/${u.user.id}/posts?limit=101`), 400, 'validation_failed')
    expectProblem(await a.get(`/users/${u.user.id}/posts?offset=3`), 400, 'validation_failed')
    expectProblem(await a.get('/users/2147483647/posts'), 404)
  })
})

describe('posts_count', () => {
  it('stays equal to the live posts through creates and deletes, including concurrent ones', async () => {
    const u = await register(t.app)
    const created = await Promise.all(Array.from({ length: 8 }, (_, i) => a.createPost(u, `c${i}`)))
    await Promise.all(created.slice(0, 5).map((p) => a.del(`/posts/${p.id}`, u)))
    // deleting the same post twice at once counts once
    await Promise.all([a.del(`/posts/${created[5].id}`, u), a.del(`/posts/${created[5].id}`, u)])
    const c = await userCounters(t, u.user.id)
    expect(c.postsCount).toBe(2)
    expect(c.postsCount).toBe(c.postsRows)
    expect(json(await a.get(`/users/${u.user.id}`)).postsCount).toBe(2)
  })
})
