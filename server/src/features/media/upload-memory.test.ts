// Uploads and the process's memory: many concurrent maximal posts stay within the upload budget
// (upload-gate.ts), and a file that is not an image is refused from its first bytes. Real sockets
// against a real instance, so the bodies really stream.
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, listen, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { uploadForm } from './test-images.js'

let h: Harness
let t: TestApp
let base: string

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  base = await listen(t)
})
afterAll(async () => h.close())

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** POSTs a body over a real socket; a connection the server closes mid-body counts as status 0. */
function post(path: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', () => resolve({ status: 0, headers: {}, body: '' }))
    req.end(body)
  })
}

/** A PNG of random noise just under the 10 MiB photo limit: it cannot compress, and decodes to 10 MB. */
async function maximalPng(): Promise<Buffer> {
  const side = 1850 // 1850² × 3 bytes stored uncompressed ≈ 10.28 MB < 10 MiB
  const png = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer()
  expect(png.length).toBeGreaterThan(10_000_000)
  expect(png.length).toBeLessThanOrEqual(t.ctx.config.media.maxImageBytes)
  return png
}

describe('upload memory', () => {
  it('keeps RSS growth under 300 MB while 16 maximal posts (10 × 10 MB photos each) arrive at once', async () => {
    const photo = await maximalPng()
    const form = await uploadForm([
      { name: 'content', data: 'big' },
      ...Array.from({ length: 10 }, (_, i) => ({ name: 'images', filename: `noise${i}.png`, type: 'image/png', data: photo })),
    ])
    const users: Session[] = []
    for (let i = 0; i < 4; i++) users.push(await register(t.app))
    // warm up the pipeline, then take the baseline
    const warm = await uploadForm([{ name: 'images', filename: 'w.png', type: 'image/png', data: photo }])
    expect((await post('/api/hearth/v1/posts', { ...warm.headers, ...users[0]!.headers }, warm.payload)).status).toBe(201)
    const before = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => post('/api/hearth/v1/posts', { ...form.headers, ...users[i % 4]!.headers }, form.payload)),
    )
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss)
    const growthMb = (peak - before) / 1024 / 1024
    const statuses = answers.map((a) => a.status)
    // Posts that fit the budget are stored; the rest are told to come back (503 server_busy, or
    // 429 too_many_uploads for a fifth upload of one account), or cut off mid-body (status 0).
    expect(statuses.filter((s) => s === 201).length, String(statuses)).toBeGreaterThanOrEqual(1)
    for (const a of answers) {
      expect([0, 201, 429, 503]).toContain(a.status)
      if (a.status === 429 || a.status === 503) {
        expect(a.headers['content-type']).toMatch(/^application\/problem\+json/)
        expect(JSON.parse(a.body).code).toBe(a.status === 503 ? 'server_busy' : 'too_many_uploads')
        expect(Number(a.headers['retry-after'])).toBeGreaterThan(0)
      }
    }
    expect(growthMb, `RSS grew ${Math.round(growthMb)} MB; statuses ${String(statuses)}`).toBeLessThan(300)
    // every charge was released: a new post goes through at once
    expect((await post('/api/hearth/v1/posts', { ...warm.headers, ...users[1]!.headers }, warm.payload)).status).toBe(201)
  }, 180_000)

  it('refuses a photo that is not an image from its first bytes, without waiting for the rest', async () => {
    const user = await register(t.app)
    const boundary = 'hearthboundary'
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="doc.png"\r\nContent-Type: image/png\r\n\r\n`,
    )
    const pdfStart = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(64 * 1024)])
    const declared = 9 * 1024 * 1024 // the client claims 9 MB but sends 64 KB and waits
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = request(
        `${base}/api/hearth/v1/posts`,
        {
          method: 'POST',
          headers: {
            ...user.headers,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(declared),
          },
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => (text += c))
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text })
            req.destroy()
          })
        },
      )
      req.on('error', reject)
      req.write(Buffer.concat([head, pdfStart]))
      // the body is never finished: only an answer from the first bytes ends this promise
      setTimeout(() => reject(new Error('no answer before the body was complete')), 10_000).unref()
    })
    expect(answer.status).toBe(415)
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'unsupported_media_type' })
    expect(JSON.parse(answer.body).detail).toMatch(/"doc\.png" is not a supported image \(it is application\/pdf\)/)
  })
})
