// The photo pipeline against real storage: files on disk, and s3rver over HTTP for the
// all-or-nothing guarantees.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import sharp from 'sharp'
import { thumbHashToAverageRGBA, thumbHashToRGBA } from 'thumbhash'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startS3Server, type S3TestServer } from '../../../test/helpers.js'
import { AppError } from '../../http/errors.js'
import { createDiskStorage } from '../../platform/storage/disk.js'
import { createS3Storage } from '../../platform/storage/s3.js'
import type { ObjectStorage } from '../../platform/storage/types.js'
import { MediaService } from './service.js'
import { animatedGif, avif, jpeg, jpegWithExifAndGps, pixel, png, pngBomb, transparentPng, truncatedJpeg, webp } from './test-images.js'
import type { UploadedFile } from './types.js'

const limits = { maxImageBytes: 10 * 1024 * 1024, maxImagesPerPost: 10, maxAttachmentBytes: 25 * 1024 * 1024 }
const file = (data: Buffer, filename = 'photo.jpg', mimetype = 'image/jpeg'): UploadedFile => ({ filename, mimetype, data })

async function read(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of body) chunks.push(Buffer.from(c as Buffer))
  return Buffer.concat(chunks)
}

/** Resolves to the AppError a promise rejects with (fails the test if it resolves). */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => {
      throw new Error('expected a refusal')
    },
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  return e as AppError
}

let s3: S3TestServer
const dirs: string[] = []
const stores: ObjectStorage[] = []

beforeAll(async () => {
  s3 = await startS3Server()
})
afterAll(async () => {
  for (const s of stores) await s.close()
  await s3.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function disk(): Promise<ObjectStorage> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-media-'))
  dirs.push(dir)
  const s = createDiskStorage(join(dir, 'media'), 'http://localhost:3000/media')
  await s.ensureReady()
  return s
}

async function bucket(): Promise<ObjectStorage> {
  const name = `media-${randomBytes(4).toString('hex')}`
  const s = createS3Storage({
    endpoint: s3.endpoint,
    bucket: name,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    region: 'us-east-1',
    publicUrl: `${s3.endpoint}/${name}`,
    forcePathStyle: true,
  })
  stores.push(s)
  await s.ensureReady()
  return s
}

async function load(storage: ObjectStorage, url: string) {
  const key = storage.keyFromPublicUrl(url)
  expect(key).not.toBeNull()
  const obj = await storage.get(key!)
  expect(obj).not.toBeNull()
  return { object: obj!, data: await read(obj!.body) }
}

describe('post photos', () => {
  let storage: ObjectStorage
  let media: MediaService
  beforeAll(async () => {
    storage = await disk()
    media = new MediaService(storage, limits)
  })

  it('auto-rotates by EXIF orientation and strips EXIF and GPS', async () => {
    const input = await jpegWithExifAndGps()
    const before = await sharp(input).metadata()
    expect(before.orientation).toBe(6)
    expect(before.exif).toBeDefined()
    expect(input.includes('HearthTestCam')).toBe(true)

    const [image] = await media.storePostImages([file(input, 'IMG_0001.JPG')])
    // stored landscape 200×100 + orientation 6 = displayed portrait 100×200
    expect(image).toMatchObject({ width: 100, height: 200 })
    const { data, object } = await load(storage, image!.url)
    expect(object.contentType).toBe('image/webp')
    const after = await sharp(data).metadata()
    expect(after).toMatchObject({ format: 'webp', width: 100, height: 200 })
    expect(after.exif).toBeUndefined()
    expect(after.orientation).toBeUndefined()
    expect(after.xmp).toBeUndefined()
    expect(after.icc).toBeUndefined()
    expect(data.includes('HearthTestCam')).toBe(false)
    expect(data.includes('Exif')).toBe(false)
    // rotated 90° clockwise: the red left half is now on top, the blue right half at the bottom
    const top = await pixel(data, 50, 20)
    const bottom = await pixel(data, 50, 180)
    expect(top[0]).toBeGreaterThan(200)
    expect(top[2]).toBeLessThan(60)
    expect(bottom[2]).toBeGreaterThan(200)
    expect(bottom[0]).toBeLessThan(60)
    // the thumbnail is stripped too
    const thumb = await load(storage, image!.thumbUrl)
    expect((await sharp(thumb.data).metadata()).exif).toBeUndefined()
  })

  it('stores a ≤1080 px display size and a thumbnail whose shorter side is 320 px', async () => {
    const [big] = await media.storePostImages([file(await jpeg(3000, 2000))])
    expect(big).toMatchObject({ width: 1080, height: 720, thumbWidth: 480, thumbHeight: 320 })
    const display = await sharp((await load(storage, big!.url)).data).metadata()
    expect([display.width, display.height]).toEqual([1080, 720])
    const thumb = await sharp((await load(storage, big!.thumbUrl)).data).metadata()
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 480, 320])
    expect(big!.keys).toHaveLength(2)
    expect(big!.keys.every((k) => k.startsWith('public/posts/'))).toBe(true)
    // never upscaled
    const [small] = await media.storePostImages([file(await jpeg(200, 100))])
    expect(small).toMatchObject({ width: 200, height: 100, thumbWidth: 200, thumbHeight: 100 })
  })

  it('records a ThumbHash placeholder of the right colour', async () => {
    const [image] = await media.storePostImages([file(await png(300, 200, '#ff0000'), 'red.png', 'image/png')])
    const hash = Buffer.from(image!.placeholder, 'base64')
    expect(hash.length).toBeGreaterThan(4)
    expect(hash.length).toBeLessThan(40)
    const avg = thumbHashToAverageRGBA(hash)
    expect(avg.r).toBeGreaterThan(0.9)
    expect(avg.g).toBeLessThan(0.1)
    const decoded = thumbHashToRGBA(hash)
    expect(decoded.w / decoded.h).toBeCloseTo(1.5, 0)
  })

  it('accepts PNG (keeping transparency), WebP, AVIF and GIF (first frame)', async () => {
    const images = await media.storePostImages([
      file(await transparentPng(), 'clear.png', 'image/png'),
      file(await webp(), 'a.webp', 'image/webp'),
      file(await avif(), 'a.avif', 'image/avif'),
      file(await animatedGif(), 'anim.gif', 'image/gif'),
    ])
    expect(images).toHaveLength(4)
    const clear = await sharp((await load(storage, images[0]!.url)).data).metadata()
    expect(clear.hasAlpha).toBe(true)
    const gif = await load(storage, images[3]!.url)
    const gifMeta = await sharp(gif.data).metadata()
    expect(gifMeta.format).toBe('webp')
    expect(gifMeta.pages ?? 1).toBe(1)
    expect(await pixel(gif.data, 10, 10)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)])
    const [r, g, b] = await pixel(gif.data, 10, 10)
    expect(g).toBeGreaterThan(200) // green, the first frame (the second is yellow: high red)
    expect(r).toBeLessThan(60)
    expect(b).toBeLessThan(60)
  })

  it('ignores the name and the client MIME type: a PNG called .jpg is stored, a text called .jpg is refused', async () => {
    const [ok] = await media.storePostImages([file(await png(), 'really-a-png.jpg', 'image/jpeg')])
    expect(ok!.url).toMatch(/\.webp$/)
    const e = await refusal(media.storePostImages([file(Buffer.from('just some text, honest\n'.repeat(50)), 'holiday.jpg', 'image/jpeg')]))
    expect([e.status, e.code]).toEqual([415, 'unsupported_media_type'])
    expect(e.message).toContain('"holiday.jpg"')
  })

  it('refuses other real file types (PDF, SVG, BMP) with 415', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'), randomBytes(200)])
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>')
    const bmp = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } })
      .raw()
      .toBuffer()
    const bmpFile = Buffer.concat([Buffer.from('BM'), Buffer.alloc(52), bmp])
    for (const [data, name] of [
      [pdf, 'doc.jpg'],
      [svg, 'vector.png'],
      [bmpFile, 'old.bmp'],
    ] as const) {
      const e = await refusal(media.storePostImages([file(data, name)]))
      expect([e.status, e.code], name).toEqual([415, 'unsupported_media_type'])
    }
  })

  it('refuses a truncated JPEG with 422 invalid_image', async () => {
    const e = await refusal(media.storePostImages([file(await truncatedJpeg(), 'cut.jpg')]))
    expect([e.status, e.code]).toEqual([422, 'invalid_image'])
    expect(e.message).toMatch(/"cut\.jpg".*truncated/)
  })

  it('refuses a corrupt image whose header is fine (garbage after the SOI marker)', async () => {
    const good = await jpeg(400, 300)
    const corrupt = Buffer.concat([good.subarray(0, 200), randomBytes(good.length - 200)])
    const e = await refusal(media.storePostImages([file(corrupt, 'noise.jpg')]))
    expect(e.status).toBe(422)
    expect(e.code).toBe('invalid_image')
  })

  it('refuses a 20000×20000 decompression bomb from its header, quickly', async () => {
    const bomb = pngBomb(20_000, 20_000)
    expect(bomb.length).toBeLessThan(200_000) // tiny on the wire...
    const started = Date.now()
    const e = await refusal(media.storePostImages([file(bomb, 'bomb.png', 'image/png')]))
    expect([e.status, e.code]).toEqual([422, 'image_too_large_dimensions'])
    expect(e.message).toContain('20000×20000')
    expect(Date.now() - started).toBeLessThan(5_000) // ...and never decoded (1.2 GB of pixels)
  })

  it('refuses an empty file, too large files (413) and too many files (413)', async () => {
    const empty = await refusal(media.storePostImages([file(Buffer.alloc(0), 'empty.jpg')]))
    expect([empty.status, empty.code]).toEqual([400, 'empty_file'])

    const strict = new MediaService(storage, { ...limits, maxImageBytes: 20_000 })
    const big = await jpeg(1500, 1500, '#808080')
    const noisy = await sharp(randomBytes(600 * 600 * 3), { raw: { width: 600, height: 600, channels: 3 } })
      .jpeg()
      .toBuffer()
    expect(noisy.length).toBeGreaterThan(20_000)
    const tooLarge = await refusal(strict.storePostImages([file(big), file(noisy, 'noise.jpg')]))
    expect([tooLarge.status, tooLarge.code]).toEqual([413, 'payload_too_large'])
    expect(tooLarge.message).toContain('"noise.jpg"')

    const one = await jpeg()
    const tooMany = await refusal(media.storePostImages(Array.from({ length: 11 }, () => file(one))))
    expect([tooMany.status, tooMany.code]).toEqual([413, 'too_many_files'])
    expect(await media.storePostImages(Array.from({ length: 10 }, () => file(one)))).toHaveLength(10)
    expect(await media.storePostImages([])).toEqual([])
  })

  it('processes concurrent batches (the decoder is shared, bounded, and fair)', async () => {
    const img = await jpeg(1600, 1200)
    const batches = await Promise.all(Array.from({ length: 6 }, () => media.storePostImages([file(img), file(img)])))
    const urls = batches.flat().map((i) => i.url)
    expect(new Set(urls).size).toBe(12)
  })
})

describe.each([
  ['disk', disk],
  ['s3', bucket],
])('all or nothing (%s)', (_kind, make) => {
  let storage: ObjectStorage
  let media: MediaService
  beforeAll(async () => {
    storage = await make()
    media = new MediaService(storage, limits)
  })

  it('stores nothing when the last file of a batch is refused', async () => {
    const good = await jpeg(500, 400)
    for (const bad of [Buffer.from('not an image'), await truncatedJpeg(), pngBomb(20_000, 20_000)]) {
      await refusal(media.storePostImages([file(good, 'a.jpg'), file(good, 'b.jpg'), file(bad, 'bad.jpg')]))
    }
    expect(await storage.list('public/')).toEqual([])
  })

  it('removes what was written when a write fails half-way', async () => {
    // A real storage that refuses its third write, as a full disk or a dropped connection would.
    let writes = 0
    const flaky: ObjectStorage = {
      ...storage,
      put: async (key, body, opts) => {
        if (++writes === 3) throw new Error('disk full')
        return storage.put(key, body, opts)
      },
    }
    const m = new MediaService(flaky, limits)
    const good = await jpeg(300, 200)
    await expect(m.storePostImages([file(good), file(good), file(good)])).rejects.toThrow('disk full')
    expect(await storage.list('public/')).toEqual([])
    // and the next batch is stored in full
    const ok = await media.storePostImages([file(good), file(good)])
    expect((await storage.list('public/')).sort()).toEqual(ok.flatMap((i) => i.keys).sort())
    await media.removeKeys(ok.flatMap((i) => i.keys))
    expect(await storage.list('public/')).toEqual([])
  })
})

describe('avatars', () => {
  let storage: ObjectStorage
  let media: MediaService
  beforeAll(async () => {
    storage = await disk()
    media = new MediaService(storage, limits)
  })

  it('square-crops into 400 px and 96 px, rotated and stripped', async () => {
    const url = await media.storeAvatar(file(await jpegWithExifAndGps()))
    expect(url).toMatch(/^http:\/\/localhost:3000\/media\/public\/avatars\/[0-9a-f]{32}-400\.webp$/)
    const large = await load(storage, url)
    const meta = await sharp(large.data).metadata()
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['webp', 400, 400, undefined])
    expect(large.data.includes('HearthTestCam')).toBe(false)
    const small = await load(storage, url.replace('-400.webp', '-96.webp'))
    const smallMeta = await sharp(small.data).metadata()
    expect([smallMeta.width, smallMeta.height]).toEqual([96, 96])
    expect(await storage.list('public/avatars/')).toHaveLength(2)
  })

  it('removeAvatar deletes both sizes and ignores URLs it did not make', async () => {
    const url = await media.storeAvatar(file(await png(500, 300), 'me.png', 'image/png'))
    await media.removeAvatar('https://elsewhere.example/public/avatars/x-400.webp')
    await media.removeAvatar(url.replace('-400.webp', '-12.webp'))
    expect(await storage.list('public/avatars/')).toContain(storage.keyFromPublicUrl(url))
    await media.removeAvatar(url)
    const key = storage.keyFromPublicUrl(url)!
    expect(await storage.list('public/avatars/')).not.toContain(key)
    expect(await storage.list('public/avatars/')).not.toContain(key.replace('-400', '-96'))
  })

  it('refuses what post photos refuse', async () => {
    expect((await refusal(media.storeAvatar(file(Buffer.from('%PDF-1.4 fake'), 'me.jpg')))).status).toBe(415)
    expect((await refusal(media.storeAvatar(file(await truncatedJpeg(0.3), 'me.jpg')))).code).toBe('invalid_image')
    expect((await refusal(media.storeAvatar(file(pngBomb(), 'me.png')))).code).toBe('image_too_large_dimensions')
  })
})

describe('message attachments', () => {
  let storage: ObjectStorage
  let media: MediaService
  beforeAll(async () => {
    storage = await disk()
    media = new MediaService(storage, { ...limits, maxAttachmentBytes: 100_000 })
  })

  it('puts images through the pipeline, under an unguessable private key', async () => {
    const a = await media.storeAttachment(file(await jpegWithExifAndGps(), 'beach.jpg'))
    expect(a.kind).toBe('image')
    expect(a.key).toMatch(/^private\/attachments\/\d{4}\/\d{2}\/[0-9a-f]{32}\.webp$/)
    expect(a.metadata).toMatchObject({
      name: 'beach.jpg',
      mimeType: 'image/webp',
      width: 100,
      height: 200,
      placeholder: expect.any(String),
    })
    const obj = await media.openPrivate(a.key)
    const data = await read(obj!.body)
    expect(a.metadata.size).toBe(data.length)
    expect((await sharp(data).metadata()).exif).toBeUndefined()
  })

  it('stores other files byte for byte, typed by their content', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1000)])
    const doc = await media.storeAttachment(file(pdf, 'C:\\Users\\me\\report.pdf', 'application/x-whatever'))
    expect(doc).toMatchObject({ kind: 'file', metadata: { name: 'report.pdf', size: pdf.length, mimeType: 'application/pdf' } })
    expect((await read((await media.openPrivate(doc.key))!.body)).equals(pdf)).toBe(true)

    const text = await media.storeAttachment(file(Buffer.from('héllo\nworld\n'), 'notes.txt', 'text/html'))
    expect(text.metadata.mimeType).toBe('text/plain')
    const blob = await media.storeAttachment(file(Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]), 'data.bin'))
    expect(blob.metadata.mimeType).toBe('application/octet-stream')
    // an HTML upload is stored, but never typed as HTML
    const html = await media.storeAttachment(file(Buffer.from('<!doctype html><script>alert(1)</script>'), 'page.html', 'text/html'))
    expect(html.metadata.mimeType).toBe('text/plain')
    expect((await media.openPrivate(html.key))!.contentType).toBe('text/plain')
  })

  it('enforces the attachment size limit with 413, and refuses empty files', async () => {
    const e = await refusal(media.storeAttachment(file(randomBytes(100_001), 'big.bin')))
    expect([e.status, e.code]).toEqual([413, 'payload_too_large'])
    expect((await refusal(media.storeAttachment(file(Buffer.alloc(0), 'none.txt')))).code).toBe('empty_file')
    expect(await storage.list('private/attachments/')).toHaveLength(5) // only the earlier tests' files
  })

  it('opens private attachment keys only', async () => {
    const [photo] = await new MediaService(storage, limits).storePostImages([file(await jpeg())])
    expect(await media.openPrivate(photo!.keys[0]!)).toBeNull()
    expect(await media.openPrivate('private/attachments/../../public/x')).toBeNull()
    expect(await media.openPrivate('private/attachments/2026/01/' + '0'.repeat(32))).toBeNull()
  })
})
