// The shared multipart reader and the private-object sender, on a minimal Fastify app with the
// real plugin registration and error handler (the posts and messages routes build on both).
import Fastify, { type FastifyInstance } from 'fastify'
import { Agent, request } from 'node:http'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectProblem, json } from '../../../test/helpers.js'
import { loadConfig } from '../../config.js'
import { registerErrorHandling } from '../../http/error-handler.js'
import { MAX_FIELD_BYTES, maxFormFields, readMultipart, registerMultipart } from './multipart.js'
import { contentDisposition, sendPrivateObject } from './serve.js'
import { jpeg, uploadForm, type FormPart } from './test-images.js'

let app: FastifyInstance
const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/nonexistent-hearth', JWT_SECRET: 'x'.repeat(40), MEDIA_MAX_IMAGE_BYTES: '50000' })

beforeAll(async () => {
  app = Fastify()
  registerErrorHandling(app)
  await registerMultipart(app, config)
  app.post('/upload', async (req) => {
    const form = await readMultipart(req, {
      fileField: 'images',
      maxFiles: config.media.maxImagesPerPost,
      maxFileBytes: config.media.maxImageBytes,
      textFields: ['content', ...Array.from({ length: maxFormFields(config) + 2 }, (_, i) => `f${i}`)],
      listFields: ['alt'],
    })
    return {
      files: form.files.map((f) => ({ name: f.filename, type: f.mimetype, size: f.data.length })),
      fields: form.fields,
      lists: form.lists,
    }
  })
  app.get('/private/:name', async (req, reply) => {
    const { name } = req.params as { name: string }
    const isImage = name.endsWith('.webp')
    const data = Buffer.from(isImage ? 'RIFF....WEBP' : '<html><script>alert(1)</script>')
    return sendPrivateObject(
      reply,
      { body: Readable.from([data]), size: data.length, contentType: isImage ? 'image/webp' : 'text/plain' },
      name,
    )
  })
  await app.ready()
})
afterAll(async () => app.close())

async function send(parts: FormPart[]) {
  const form = await uploadForm(parts)
  return app.inject({ method: 'POST', url: '/upload', payload: form.payload, headers: form.headers })
}
const image = (data: Buffer, filename = 'a.jpg'): FormPart => ({ name: 'images', filename, type: 'image/jpeg', data })

describe('readMultipart', () => {
  it('reads files and text fields', async () => {
    const img = await jpeg()
    const res = await send([{ name: 'content', data: 'hello ✨' }, image(img, 'one.jpg'), image(img, 'two.jpg')])
    expect(res.statusCode).toBe(200)
    expect(json(res)).toEqual({
      files: [
        { name: 'one.jpg', type: 'image/jpeg', size: img.length },
        { name: 'two.jpg', type: 'image/jpeg', size: img.length },
      ],
      fields: { content: 'hello ✨' },
      lists: {},
    })
    expect(json(await send([{ name: 'content', data: 'text only' }])).files).toEqual([])
  })

  it('refuses one file more than allowed with 413 too_many_files, and far more with 413', async () => {
    const img = await jpeg()
    expect((await send(Array.from({ length: 10 }, () => image(img)))).statusCode).toBe(200)
    const p = expectProblem(await send(Array.from({ length: 11 }, () => image(img))), 413, 'too_many_files')
    expect(p.detail).toMatch(/At most 10 files/)
    expectProblem(await send(Array.from({ length: 30 }, () => image(img))), 413)
  })

  it('stops a file over the size limit with 413, naming it', async () => {
    const p = expectProblem(await send([image(Buffer.alloc(50_001, 1), 'huge.jpg')]), 413, 'payload_too_large')
    expect(p.detail).toContain('"huge.jpg"')
    expect((await send([image(Buffer.alloc(50_000, 1))])).statusCode).toBe(200)
  })

  it('maps the plugin’s own limits to 413 problems: too many fields, a field too long', async () => {
    const fields = Array.from({ length: maxFormFields(config) + 1 }, (_, i) => ({ name: `f${i}`, data: 'x' }))
    expectProblem(await send(fields), 413, 'payload_too_large')
    expect((await send(fields.slice(1))).statusCode).toBe(200)
    expectProblem(await send([{ name: 'content', data: 'x'.repeat(MAX_FIELD_BYTES + 1) }]), 413, 'payload_too_large')
    expect((await send([{ name: 'content', data: 'x'.repeat(MAX_FIELD_BYTES) }])).statusCode).toBe(200)
  })

  it('refuses unknown and repeated fields with 400', async () => {
    expectProblem(await send([{ name: 'admin', data: 'true' }]), 400, 'validation_failed')
    expectProblem(await send([{ name: 'avatar', filename: 'a.jpg', data: 'x' }]), 400, 'validation_failed')
    expectProblem(
      await send([
        { name: 'content', data: 'a' },
        { name: 'content', data: 'b' },
      ]),
      400,
      'validation_failed',
    )
    expectProblem(await send([{ name: '__proto__', data: 'x' }]), 400)
  })

  it('collects a list field in order, up to one value per file, refusing NUL in any value', async () => {
    const max = config.media.maxImagesPerPost
    const alts = (n: number) => Array.from({ length: n }, (_, i) => ({ name: 'alt', data: `alt ${i}` }))
    expect(json(await send([{ name: 'content', data: 'x' }, ...alts(3)])).lists).toEqual({ alt: ['alt 0', 'alt 1', 'alt 2'] })
    expect(json(await send(alts(max))).lists.alt).toHaveLength(max)
    expectProblem(await send(alts(max + 1)), 400, 'validation_failed')
    expectProblem(await send([...alts(1), { name: 'alt', data: 'a\u0000b' }]), 400, 'validation_failed')
    expect(json(await send([{ name: 'content', data: 'x' }])).lists).toEqual({})
  })

  it('refuses non-multipart and malformed bodies with 4xx, never 5xx', async () => {
    expectProblem(await app.inject({ method: 'POST', url: '/upload', payload: { content: 'x' } }), 415, 'unsupported_media_type')
    const bad = await app.inject({
      method: 'POST',
      url: '/upload',
      payload: 'garbage',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
    })
    expectProblem(bad, 400, 'malformed_multipart')
    const noBoundary = await app.inject({
      method: 'POST',
      url: '/upload',
      payload: 'x',
      headers: { 'content-type': 'multipart/form-data' },
    })
    expectProblem(noBoundary, 400, 'malformed_multipart')
    const form = await uploadForm([image(await jpeg())])
    const cut = await app.inject({ method: 'POST', url: '/upload', payload: form.payload.subarray(0, 100), headers: form.headers })
    expectProblem(cut, 400, 'malformed_multipart')
  })
})

describe('refusing a multipart body early on a keep-alive connection', () => {
  /** POSTs on the agent's connection and reads the whole answer. */
  const post = (agent: Agent, port: number, form: { payload: Buffer; headers: Record<string, string> }) =>
    new Promise<{ status: number; body: string; reused: boolean; connection?: string }>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/upload',
          headers: { ...form.headers, 'content-length': form.payload.length },
        },
        (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (d) => (body += d))
          // 'close' comes once the answer is read and the body all written: the connection is free again
          req.on('close', () => resolve({ status: res.statusCode!, body, reused: req.reusedSocket, connection: res.headers.connection }))
        },
      )
      req.on('error', reject)
      req.end(form.payload)
    })

  it('reads the rest of the body, so the next request on the same connection is served', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      // the unexpected field comes first, 3 MB of file data behind it
      const refused = await post(
        agent,
        port,
        await uploadForm([
          { name: 'admin', data: 'yes' },
          { name: 'images', filename: 'a.jpg', data: Buffer.alloc(30_000_000, 7) },
        ]),
      )
      expect(refused.status).toBe(400)
      expect(JSON.parse(refused.body).code).toBe('validation_failed')
      expect(refused.connection).not.toBe('close')
      const next = await post(agent, port, await uploadForm([{ name: 'content', data: 'after' }]))
      expect(next).toMatchObject({ status: 200, reused: true })
      expect(JSON.parse(next.body).fields).toEqual({ content: 'after' })
    } finally {
      agent.destroy()
    }
  })
})

describe('sendPrivateObject', () => {
  it('shows images inline and makes everything else a sandboxed download', async () => {
    const img = await app.inject({ url: '/private/photo.webp' })
    expect(img.headers['content-type']).toBe('image/webp')
    expect(img.headers['content-disposition']).toBe(`inline; filename="photo.webp"; filename*=UTF-8''photo.webp`)
    expect(img.headers['cache-control']).toBe('private, max-age=3600')
    const page = await app.inject({ url: '/private/page.html' })
    expect(page.headers['content-type']).toMatch(/^text\/plain/)
    expect(page.headers['content-disposition']).toMatch(/^attachment;/)
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
  })

  it('encodes any file name safely', () => {
    expect(contentDisposition('attachment', 'résumé "final".pdf')).toBe(
      `attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`,
    )
    expect(contentDisposition('attachment', 'a\r\nSet-Cookie: x=1')).not.toMatch(/[\r\n]/)
  })
})
