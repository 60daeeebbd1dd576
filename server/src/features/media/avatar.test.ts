// PUT/DELETE /users/me/avatar and the public /media route over HTTP, on disk storage and on a
// real S3-protocol server (s3rver).
import { randomBytes } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createHarness,
  expectProblem,
  json,
  register,
  startS3Server,
  type Harness,
  type S3TestServer,
  type Session,
  type TestApp,
} from '../../../test/helpers.js'
import { jpeg, jpegWithExifAndGps, png, pngBomb, truncatedJpeg, uploadForm, type FormPart } from './test-images.js'

let h: Harness
let s3: S3TestServer
const apps: Record<'disk' | 's3', TestApp> = {} as never

beforeAll(async () => {
  h = await createHarness()
  s3 = await startS3Server()
  apps.disk = await h.start()
  apps.s3 = await h.start(s3.env())
})
afterAll(async () => {
  await h.close()
  await s3.close()
})

async function put(t: TestApp, parts: FormPart[], headers: Record<string, string> = {}) {
  const form = await uploadForm(parts)
  return t.app.inject({
    method: 'PUT',
    url: '/api/hearth/v1/users/me/avatar',
    payload: form.payload,
    headers: { ...form.headers, ...headers },
  })
}
const avatarFile = (data: Buffer, filename = 'me.jpg', type = 'image/jpeg'): FormPart => ({ name: 'file', filename, type, data })
const me = async (t: TestApp, u: Session) => json(await t.app.inject({ url: '/api/hearth/v1/users/me', headers: u.headers }))

/** Loads a public URL the way a browser would: from this server (disk) or from the bucket (S3). */
async function fetchPublic(t: TestApp, url: string) {
  if (t.ctx.storage.kind === 'disk') {
    const res = await t.app.inject({ url: new URL(url).pathname })
    return { status: res.statusCode, type: res.headers['content-type'], body: res.rawPayload }
  }
  const res = await fetch(url)
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) }
}

describe.each(['disk', 's3'] as const)('avatars on %s storage', (kind) => {
  let t: TestApp
  const avatarKeys = () => t.ctx.storage.list('public/avatars/')
  beforeAll(() => {
    t = apps[kind]
    expect(t.ctx.storage.kind).toBe(kind)
  })

  it('refuses anonymous uploads with 401 and stores nothing', async () => {
    const before = await avatarKeys()
    expectProblem(await put(t, [avatarFile(await jpeg())]), 401, 'unauthorized')
    expectProblem(await put(t, [avatarFile(await jpeg())], { authorization: 'Bearer not-a-token' }), 401)
    expectProblem(await t.app.inject({ method: 'DELETE', url: '/api/hearth/v1/users/me/avatar' }), 401)
    expect(await avatarKeys()).toEqual(before)
  })

  it('stores a square, rotated, stripped avatar and shows it on the profile', async () => {
    const u = await register(t.app)
    const res = await put(t, [avatarFile(await jpegWithExifAndGps(), 'IMG_0001.JPG')], u.headers)
    expect(res.statusCode).toBe(200)
    const { avatarUrl } = json(res)
    expect(avatarUrl).toBe(t.ctx.storage.publicUrl(t.ctx.storage.keyFromPublicUrl(avatarUrl)!))
    expect((await me(t, u)).avatarUrl).toBe(avatarUrl)
    const profile = json(await t.app.inject({ url: `/api/hearth/v1/users/${u.user.id}` }))
    expect(profile.avatarUrl).toBe(avatarUrl)

    const image = await fetchPublic(t, avatarUrl)
    expect(image.status).toBe(200)
    expect(image.type).toBe('image/webp')
    const meta = await sharp(image.body).metadata()
    expect([meta.width, meta.height, meta.exif]).toEqual([400, 400, undefined])
    expect(image.body.includes('HearthTestCam')).toBe(false)
    const small = await fetchPublic(t, avatarUrl.replace('-400.webp', '-96.webp'))
    expect((await sharp(small.body).metadata()).width).toBe(96)
  })

  it('accepts a 3 MB photo (above the JSON body limit)', async () => {
    const u = await register(t.app)
    const big = await sharp(randomBytes(2000 * 1500 * 3), { raw: { width: 2000, height: 1500, channels: 3 } })
      .jpeg({ quality: 95 })
      .toBuffer()
    expect(big.length).toBeGreaterThan(1_048_576 * 2)
    const res = await put(t, [avatarFile(big)], u.headers)
    expect(res.statusCode).toBe(200)
  })

  it('deletes the previous avatar when it is replaced, and on DELETE', async () => {
    const u = await register(t.app)
    const first = json(await put(t, [avatarFile(await jpeg(300, 300, '#ff0000'))], u.headers)).avatarUrl
    const firstKey = t.ctx.storage.keyFromPublicUrl(first)!
    expect(await avatarKeys()).toContain(firstKey)
    const second = json(await put(t, [avatarFile(await png(300, 300, '#00ff00'), 'me.png', 'image/png')], u.headers)).avatarUrl
    const keys = await avatarKeys()
    expect(keys).not.toContain(firstKey)
    expect(keys).not.toContain(firstKey.replace('-400', '-96'))
    expect(keys).toContain(t.ctx.storage.keyFromPublicUrl(second))
    expect((await fetchPublic(t, first)).status).toBe(404)

    expect((await t.app.inject({ method: 'DELETE', url: '/api/hearth/v1/users/me/avatar', headers: u.headers })).statusCode).toBe(204)
    expect((await me(t, u)).avatarUrl).toBeNull()
    expect(await avatarKeys()).not.toContain(t.ctx.storage.keyFromPublicUrl(second))
    expect((await t.app.inject({ method: 'DELETE', url: '/api/hearth/v1/users/me/avatar', headers: u.headers })).statusCode).toBe(204)
  })

  it('touches only the caller’s avatar', async () => {
    const a = await register(t.app)
    const b = await register(t.app)
    const aUrl = json(await put(t, [avatarFile(await jpeg())], a.headers)).avatarUrl
    await put(t, [avatarFile(await jpeg())], b.headers)
    await t.app.inject({ method: 'DELETE', url: '/api/hearth/v1/users/me/avatar', headers: b.headers })
    expect((await me(t, a)).avatarUrl).toBe(aUrl)
    expect(await avatarKeys()).toContain(t.ctx.storage.keyFromPublicUrl(aUrl))
  })

  it('keeps exactly one avatar after concurrent uploads', async () => {
    const u = await register(t.app)
    const img = await jpeg(500, 500)
    const before = await avatarKeys()
    const results = await Promise.all(Array.from({ length: 4 }, () => put(t, [avatarFile(img)], u.headers)))
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200])
    const current = (await me(t, u)).avatarUrl
    const added = (await avatarKeys()).filter((k) => !before.includes(k))
    const key = t.ctx.storage.keyFromPublicUrl(current)!
    expect(added.sort()).toEqual([key.replace('-400', '-96'), key].sort())
  })

  it('refuses bad uploads with clear problems, leaving storage and profile as they were', async () => {
    const u = await register(t.app)
    const kept = json(await put(t, [avatarFile(await jpeg())], u.headers)).avatarUrl
    const before = await t.ctx.storage.list()
    const good = await jpeg()
    const cases: [string, () => Promise<LightMyRequestResponse>, number, string][] = [
      [
        'text renamed .jpg',
        () => put(t, [avatarFile(Buffer.from('hello, I am text'), 'cat.jpg')], u.headers),
        415,
        'unsupported_media_type',
      ],
      ['truncated JPEG', async () => put(t, [avatarFile(await truncatedJpeg())], u.headers), 422, 'invalid_image'],
      ['20000×20000 bomb', () => put(t, [avatarFile(pngBomb(), 'bomb.png', 'image/png')], u.headers), 422, 'image_too_large_dimensions'],
      ['empty file', () => put(t, [avatarFile(Buffer.alloc(0))], u.headers), 400, 'empty_file'],
      ['two files', () => put(t, [avatarFile(good), avatarFile(good)], u.headers), 413, 'too_many_files'],
      ['wrong field', () => put(t, [{ name: 'image', filename: 'me.jpg', data: good }], u.headers), 400, 'validation_failed'],
      ['extra field', () => put(t, [avatarFile(good), { name: 'role', data: 'admin' }], u.headers), 400, 'validation_failed'],
      ['no file', () => put(t, [{ name: 'note', data: 'x' }], u.headers), 400, 'validation_failed'],
      [
        'JSON body',
        () => t.app.inject({ method: 'PUT', url: '/api/hearth/v1/users/me/avatar', payload: { file: 'x' }, headers: u.headers }),
        415,
        'unsupported_media_type',
      ],
      [
        'no boundary',
        () =>
          t.app.inject({
            method: 'PUT',
            url: '/api/hearth/v1/users/me/avatar',
            payload: 'x',
            headers: { ...u.headers, 'content-type': 'multipart/form-data' },
          }),
        400,
        'malformed_multipart',
      ],
      [
        'cut-off body',
        async () => {
          const form = await uploadForm([avatarFile(good)])
          const cut = form.payload.subarray(0, form.payload.length - 60)
          return t.app.inject({
            method: 'PUT',
            url: '/api/hearth/v1/users/me/avatar',
            payload: cut,
            headers: { ...form.headers, ...u.headers },
          })
        },
        400,
        'malformed_multipart',
      ],
    ]
    for (const [name, send, status, code] of cases) {
      const res = await send()
      expect(`${name}: ${res.statusCode} ${json(res).code}`).toBe(`${name}: ${status} ${code}`)
      expectProblem(res, status, code)
    }
    expect(await t.ctx.storage.list()).toEqual(before)
    expect((await me(t, u)).avatarUrl).toBe(kept)
  })
})

describe('upload limits from the configuration', () => {
  it('stops an oversized file mid-stream with 413, naming it', async () => {
    const t = await h.start({ MEDIA_MAX_IMAGE_BYTES: '20000' })
    const u = await register(t.app)
    const before = await t.ctx.storage.list()
    const big = await sharp(randomBytes(300 * 300 * 3), { raw: { width: 300, height: 300, channels: 3 } })
      .jpeg()
      .toBuffer()
    expect(big.length).toBeGreaterThan(20_000)
    const p = expectProblem(await put(t, [avatarFile(big, 'huge.jpg')], u.headers), 413, 'payload_too_large')
    expect(p.detail).toContain('"huge.jpg"')
    expect(await t.ctx.storage.list()).toEqual(before)
  })
})

describe('the public /media route (disk storage)', () => {
  let t: TestApp
  beforeAll(() => {
    t = apps.disk
  })

  it('serves public objects with immutable caching, nosniff and revalidation', async () => {
    const u = await register(t.app)
    const url = new URL(json(await put(t, [avatarFile(await jpeg())], u.headers)).avatarUrl).pathname
    expect(url).toMatch(/^\/media\/public\/avatars\/[0-9a-f]{32}-400\.webp$/)
    const res = await t.app.inject({ url })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('image/webp')
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin')
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length)
    const etag = res.headers.etag as string
    expect(etag).toMatch(/^".+"$/)
    const again = await t.app.inject({ url, headers: { 'if-none-match': etag } })
    expect(again.statusCode).toBe(304)
    expect(again.rawPayload.length).toBe(0)
    expect((await t.app.inject({ url, headers: { 'if-none-match': `"other", W/${etag}` } })).statusCode).toBe(304)
    expect((await t.app.inject({ url, headers: { 'if-none-match': '"other"' } })).statusCode).toBe(200)
    const head = await t.app.inject({ method: 'HEAD', url })
    expect(head.statusCode).toBe(200)
    expect(head.headers['content-type']).toBe('image/webp')
  })

  it('never serves private attachments, whatever the path', async () => {
    const attachment = await t.services.media.storeAttachment({
      filename: 'secret.txt',
      mimetype: 'text/plain',
      data: Buffer.from('top secret payload'),
    })
    expect(attachment.key.startsWith('private/')).toBe(true)
    expect(await t.services.media.openPrivate(attachment.key)).not.toBeNull()
    for (const path of [
      `/media/${attachment.key}`,
      `/media/public/../${attachment.key}`,
      `/media/public/%2e%2e/${attachment.key}`,
      `/media/public%2f..%2f${attachment.key.replaceAll('/', '%2f')}`,
      `/media/..%2f..%2fjwt-secret`,
      `/media/%2e%2e/%2e%2e/jwt-secret`,
      `/media/public/posts/2026/01/${'0'.repeat(32)}-1080.webp`,
    ]) {
      const res = await t.app.inject({ url: path })
      expect(`${path} → ${res.statusCode}`).toBe(`${path} → 404`)
      expect(res.body).not.toContain('top secret payload')
    }
  })

  it('is not rate limited (a feed page loads many images)', async () => {
    const t2 = await h.start({ RATE_LIMIT_ANONYMOUS_MAX: '3' })
    const u = await register(apps.disk.app)
    const url = new URL(json(await put(apps.disk, [avatarFile(await jpeg())], u.headers)).avatarUrl).pathname
    const statuses = await Promise.all(Array.from({ length: 8 }, () => t2.app.inject({ url }).then((r) => r.statusCode)))
    expect(statuses).toEqual(Array(8).fill(200))
  })

  it('does not exist with S3 storage, whose URLs point at S3_PUBLIC_URL', async () => {
    const u = await register(apps.s3.app)
    const url = json(await put(apps.s3, [avatarFile(await jpeg())], u.headers)).avatarUrl
    expect(url.startsWith(`${s3.endpoint}/`)).toBe(true)
    const key = apps.s3.ctx.storage.keyFromPublicUrl(url)!
    expectProblem(await apps.s3.app.inject({ url: `/media/${key}` }), 404)
    // the web app may load images from there
    const csp = String((await apps.s3.app.inject({ url: '/healthz' })).headers['content-security-policy'])
    expect(csp).toMatch(new RegExp(`img-src [^;]*${s3.endpoint.replace(/[.]/g, '\\.')}`))
  })
})

describe('readiness with S3', () => {
  it('checks the bucket in /readyz, and reports degraded (still serving) when S3 is down', async () => {
    const ok = await apps.s3.app.inject({ url: '/readyz' })
    expect(ok.statusCode).toBe(200)
    expect(json(ok).checks.storage).toEqual({ status: 'ok' })
    expect(json(await apps.disk.app.inject({ url: '/readyz' })).checks.storage).toBeUndefined()

    const other = await startS3Server()
    const t = await h.start(other.env())
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200)
    await other.close()
    const down = await t.app.inject({ url: '/readyz' })
    // Without object storage the API still answers everything but photo uploads: the instance stays in
    // the load balancer (200) and says it is degraded (README: Failure modes).
    expect(down.statusCode).toBe(200)
    expect(json(down).status).toBe('degraded')
    expect(json(down).checks.storage.status).toBe('fail')
  })
})
