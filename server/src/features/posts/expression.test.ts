// Alt text and content warnings on posts (issue 14, items 5 and 6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { png, uploadForm, type FormPart } from '../media/test-images.js'
import { api } from './test-support.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

const postForm = async (s: Session, parts: FormPart[]) => {
  const form = await uploadForm(parts)
  return t.app.inject({ method: 'POST', url: '/api/hearth/v1/posts', payload: form.payload, headers: { ...form.headers, ...s.headers } })
}
const image = async (name: string): Promise<FormPart> => ({ name: 'images', filename: name, type: 'image/png', data: await png(90, 60) })
const field = (name: string, data: string): FormPart => ({ name, data })
const alts = (p: { images: { alt: string | null }[] }) => p.images.map((i) => i.alt)

describe('alt text', () => {
  it('takes one alt field per photo, in order, and returns it on every read (null when empty or missing)', async () => {
    const u = await register(t.app)
    const res = await postForm(u, [
      field('content', 'Three photos'),
      await image('a.png'),
      await image('b.png'),
      await image('c.png'),
      field('alt', '  A red kite over the hill  '),
      field('alt', ''),
    ])
    expect(res.statusCode).toBe(201)
    const p = json(res)
    expect(alts(p)).toEqual(['A red kite over the hill', null, null])
    expect(alts(json(await a.get(`/posts/${p.id}`)))).toEqual(['A red kite over the hill', null, null])
    expect(alts(json(await a.get(`/users/${u.user.id}/posts`, u)).items[0])).toEqual(['A red kite over the hill', null, null])
  })

  it('is edited per photo by the author, leaving the photos and the text alone', async () => {
    const u = await register(t.app)
    const other = await register(t.app)
    const p = json(await postForm(u, [field('content', 'Two'), await image('a.png'), await image('b.png'), field('alt', 'first')]))
    expectProblem(await a.patch(`/posts/${p.id}`, other, { images: [{ alt: 'x' }, { alt: 'y' }] }), 403)
    const res = await a.patch(`/posts/${p.id}`, u, { images: [{ alt: null }, { alt: 'Second photo: a beach at dawn' }] })
    expect(res.statusCode).toBe(200)
    const edited = json(res)
    expect(alts(edited)).toEqual([null, 'Second photo: a beach at dawn'])
    expect(edited.images.map((i: { url: string }) => i.url)).toEqual(p.images.map((i: { url: string }) => i.url))
    expect(edited).toMatchObject({ content: 'Two', edited: true })
    expect(alts(json(await a.get(`/posts/${p.id}`)))).toEqual([null, 'Second photo: a beach at dawn'])
    // the text alone keeps the descriptions
    expect(alts(json(await a.patch(`/posts/${p.id}`, u, { content: 'Two, edited' })))).toEqual([null, 'Second photo: a beach at dawn'])
  })

  it('refuses too many alt fields, too long ones, NUL bytes, and edits of another count of photos', async () => {
    const u = await register(t.app)
    expectProblem(await postForm(u, [await image('a.png'), field('alt', 'one'), field('alt', 'two')]), 400, 'alt_count_mismatch')
    expectProblem(await postForm(u, [await image('a.png'), field('alt', 'é'.repeat(1501))]), 400, 'validation_failed')
    expectProblem(await postForm(u, [await image('a.png'), field('alt', 'bad\u0000byte')]), 400, 'validation_failed')
    expect((await postForm(u, [await image('a.png'), field('alt', 'é'.repeat(1500))])).statusCode).toBe(201)

    const p = json(await postForm(u, [await image('a.png'), await image('b.png')]))
    expectProblem(await a.patch(`/posts/${p.id}`, u, { images: [{ alt: 'only one' }] }), 400, 'alt_count_mismatch')
    expectProblem(await a.patch(`/posts/${p.id}`, u, { images: [{ alt: 'a' }, { alt: 'b' }, { alt: 'c' }] }), 400, 'alt_count_mismatch')
    expectProblem(await a.patch(`/posts/${p.id}`, u, { images: [{ alt: 'x'.repeat(1501) }, { alt: null }] }), 400, 'validation_failed')
    expectProblem(await a.patch(`/posts/${p.id}`, u, { images: [{ alt: 'nul\u0000' }, { alt: null }] }), 400, 'validation_failed')
    expectProblem(await a.patch(`/posts/${p.id}`, u, {}), 400, 'validation_failed')
    const text = await a.createPost(u)
    expectProblem(await a.patch(`/posts/${text.id}`, u, { images: [{ alt: 'no photo here' }] }), 400, 'alt_count_mismatch')
    expect(json(await a.patch(`/posts/${text.id}`, u, { images: [] }))).toMatchObject({ images: [] })
    expect(alts(json(await a.get(`/posts/${p.id}`)))).toEqual([null, null])
  })
})

describe('content warnings', () => {
  it('are not set by default', async () => {
    const u = await register(t.app)
    expect(await a.createPost(u)).toMatchObject({ sensitive: false, spoilerText: null })
  })

  it('are taken as JSON and multipart, a warning text marking the post sensitive, and edited by the author', async () => {
    const u = await register(t.app)
    const j = json(await a.post('/posts', u, { content: 'spoilers', sensitive: true, spoilerText: '  The ending  ' }))
    expect(j).toMatchObject({ sensitive: true, spoilerText: 'The ending' })
    const onlyText = json(await a.post('/posts', u, { content: 'x', spoilerText: 'Spiders' }))
    expect(onlyText).toMatchObject({ sensitive: true, spoilerText: 'Spiders' })
    const flagOnly = json(await a.post('/posts', u, { content: 'x', sensitive: true, spoilerText: '   ' }))
    expect(flagOnly).toMatchObject({ sensitive: true, spoilerText: null })

    const m = json(await postForm(u, [await image('a.png'), field('sensitive', 'true'), field('spoilerText', 'Medical photo')]))
    expect(m).toMatchObject({ sensitive: true, spoilerText: 'Medical photo' })
    expect(json(await a.get(`/posts/${m.id}`))).toMatchObject({ sensitive: true, spoilerText: 'Medical photo' })
    expect(json(await postForm(u, [await image('a.png'), field('sensitive', 'false')]))).toMatchObject({ sensitive: false })

    expect(json(await a.patch(`/posts/${m.id}`, u, { spoilerText: 'Surgery' }))).toMatchObject({ sensitive: true, spoilerText: 'Surgery' })
    expect(json(await a.patch(`/posts/${m.id}`, u, { sensitive: false, spoilerText: null }))).toMatchObject({
      sensitive: false,
      spoilerText: null,
    })
    expect(json(await a.patch(`/posts/${m.id}`, u, { sensitive: true }))).toMatchObject({ sensitive: true, spoilerText: null })
  })

  it('refuses a bad flag, a too long text and NUL bytes', async () => {
    const u = await register(t.app)
    expectProblem(await postForm(u, [await image('a.png'), field('sensitive', 'maybe')]), 400, 'validation_failed')
    expectProblem(await postForm(u, [await image('a.png'), field('spoilerText', 'x'.repeat(501))]), 400, 'validation_failed')
    expectProblem(await a.post('/posts', u, { content: 'x', spoilerText: 'x'.repeat(501) }), 400, 'validation_failed')
    expectProblem(await a.post('/posts', u, { content: 'x', spoilerText: 'a\u0000b' }), 400, 'validation_failed')
    expectProblem(await a.post('/posts', u, { content: 'x', sensitive: 'yes' }), 400, 'validation_failed')
  })

  it('has a per-user "always show sensitive media" setting', async () => {
    const u = await register(t.app)
    expect(json(await a.get('/users/me', u))).toMatchObject({ showSensitiveMedia: false })
    expect(json(await a.patch('/users/me', u, { showSensitiveMedia: true }))).toMatchObject({ showSensitiveMedia: true })
    expect(json(await a.get('/users/me', u))).toMatchObject({ showSensitiveMedia: true })
    expectProblem(await a.patch('/users/me', u, { showSensitiveMedia: 'on' }), 400, 'validation_failed')
  })
})
