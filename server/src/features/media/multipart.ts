// multipart/form-data for every upload route (posts, avatars, messages): one registration with
// limits from config, and one reader that buffers the expected files and text fields, within the
// instance's upload budget (upload-gate.ts).
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Config } from '../../config.js'
import { AppError, badRequest, payloadTooLarge, unsupportedMediaType } from '../../http/errors.js'
import { refuseNul } from '../../http/text-input.js'
import { ACCEPTED_IMAGE_TYPES, notAnImage, sniff } from './pipeline.js'
import { cleanFileName } from './service.js'
import type { UploadedFile } from './types.js'
import { UploadGate } from './upload-gate.js'

/** Largest text field (a post's content, a message's text) in bytes. */
export const MAX_FIELD_BYTES = 64 * 1024
const MAX_FIELDS = 10
/** The plugin's bound on text fields in one form: a post's form carries one `alt` per photo besides its own fields. */
export const maxFormFields = (config: Config) => MAX_FIELDS + config.media.maxImagesPerPost
/** What file-type reads to decide a type: the first bytes of a file are enough. */
export const SNIFF_BYTES = 4100

/** Each multipart request's gate and response, so readMultipart can charge it and release on close. */
const uploads = new WeakMap<IncomingMessage, { gate: UploadGate; res: ServerResponse }>()

/**
 * Registers @fastify/multipart once for the whole app. These are outer bounds; each route asks
 * readMultipart for its own (smaller) file size and count.
 */
export async function registerMultipart(app: FastifyInstance, config: Config) {
  const maxFiles = config.media.maxImagesPerPost + 1 // one over, so readMultipart can name the limit
  const maxFields = maxFormFields(config)
  await app.register(multipart, {
    limits: {
      fileSize: Math.max(config.media.maxImageBytes, config.media.maxAttachmentBytes),
      files: maxFiles,
      fields: maxFields,
      fieldSize: MAX_FIELD_BYTES,
      fieldNameSize: 100,
      parts: maxFiles + maxFields,
      headerPairs: 100,
    },
  })
  const gate = new UploadGate(config.uploads.budgetBytes, config.uploads.perUser)
  app.addHook('onRequest', (req, reply, done) => {
    if (req.headers['content-type']?.toLowerCase().startsWith('multipart/')) uploads.set(req.raw, { gate, res: reply.raw })
    done()
  })
}

export interface MultipartSpec {
  /** the form field carrying files, e.g. `images` or `file` */
  fileField: string
  maxFiles: number
  maxFileBytes: number
  /** text fields accepted besides the files; any other field is refused */
  textFields?: string[]
  /** text fields that may repeat, collected in order (e.g. one `alt` per file), at most `maxFiles` each */
  listFields?: string[]
  /** only images the pipeline decodes: anything else is refused (415) from its first bytes */
  images?: boolean
}

export interface MultipartForm {
  files: UploadedFile[]
  fields: Record<string, string>
  /** the values of each of `listFields` that was sent, in order */
  lists: Record<string, string[]>
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`

/**
 * Reads a multipart body into memory, refusing as early as possible: a file over the size
 * limit stops the upload mid-stream (413), one file too many is refused before it is read
 * (413 too_many_files), a file that is not an image where only images go is refused from its
 * first bytes (415), and unknown fields are refused (400). Throws 415 if the body is not
 * multipart. Call it after the route's authorisation checks.
 *
 * Before reading, the body is charged to the instance's upload budget until its answer has been
 * sent: it may wait a few seconds for room (then 503 server_busy), and an account with too many
 * uploads in flight gets 429 too_many_uploads.
 */
export async function readMultipart(req: FastifyRequest, spec: MultipartSpec): Promise<MultipartForm> {
  if (!req.isMultipart()) throw unsupportedMediaType('Expected a multipart/form-data body.')
  const allowed = new Set(spec.textFields ?? [])
  const form: MultipartForm = { files: [], fields: {}, lists: {} }
  try {
    await admit(req, spec)
    await collect(req, spec, allowed, form)
  } catch (e) {
    throw refusal(e, discardRest(req))
  }
  return form
}

/** Charges the body to the upload budget; the charge is released when the response closes. */
async function admit(req: FastifyRequest, spec: MultipartSpec) {
  const entry = uploads.get(req.raw)
  if (!entry) return
  uploads.delete(req.raw)
  const fieldCount = (spec.textFields?.length ?? 0) + (spec.listFields?.length ?? 0) * spec.maxFiles
  const most = spec.maxFiles * spec.maxFileBytes + fieldCount * MAX_FIELD_BYTES + 64 * 1024
  const length = Number(req.headers['content-length'])
  const bytes = Number.isFinite(length) && length >= 0 ? Math.min(length, most) : most
  // 'close' comes after the answer is sent, or when the client goes away (perhaps while waiting)
  let closed = false
  const onClose = () => (closed = true)
  entry.res.once('close', onClose)
  const release = await entry.gate.admit(bytes, req.auth ? String(req.auth.userId) : undefined)
  entry.res.off('close', onClose)
  if (closed) release()
  else entry.res.once('close', release)
}

/**
 * The part of a refused body a client has still to send is read and dropped, up to this many
 * bytes, so its keep-alive connection can carry the next request; a larger rest is not worth
 * receiving, and the answer says `Connection: close` instead.
 */
export const DRAIN_LIMIT_BYTES = 32 * 1024 * 1024

/**
 * Stops parsing a body refused part-way and lets the rest flow into the void. Unread, it would
 * stall the connection, which the client then sees reset. Returns true when the connection must
 * close instead (the rest is larger than DRAIN_LIMIT_BYTES, or of unknown length beyond it).
 */
function discardRest(req: FastifyRequest): boolean {
  const raw = req.raw
  if (raw.readableEnded || raw.destroyed) return false
  raw.unpipe()
  const length = Number(raw.headers['content-length'])
  const left = Number.isFinite(length) ? length - raw.socket.bytesRead : Infinity
  if (left > DRAIN_LIMIT_BYTES && Number.isFinite(left)) return true
  let drained = 0
  raw.on('data', (chunk: Buffer) => {
    drained += chunk.length
    // a chunked body that goes on and on: stop reading; the answer already says close
    if (drained > DRAIN_LIMIT_BYTES) raw.destroy()
  })
  raw.resume()
  return !Number.isFinite(left)
}

/**
 * The problem to answer a refused multipart body with. The limits' errors carry FST_ codes the
 * error handler maps to 413; what busboy throws for a body that is not valid multipart (no
 * boundary, cut off) is the client's fault as well.
 */
function refusal(e: unknown, close: boolean): unknown {
  const headers = close ? { connection: 'close' } : undefined
  if (e instanceof AppError)
    return headers ? new AppError(e.status, e.code, e.message, { ...e.extra, headers: { ...e.extra.headers, ...headers } }) : e
  const code = String((e as { code?: string }).code)
  const limit = ({ FST_FILES_LIMIT: 'files', FST_PARTS_LIMIT: 'parts in the form', FST_FIELDS_LIMIT: 'fields' } as Record<string, string>)[
    code
  ]
  if (limit) return new AppError(413, 'payload_too_large', `Too many ${limit}.`, { headers })
  if (code === 'FST_PROTO_VIOLATION') return new AppError(400, 'bad_request', 'The body contains a forbidden property name.', { headers })
  return new AppError(400, 'malformed_multipart', 'The multipart/form-data body is malformed or incomplete.', { headers })
}

async function collect(req: FastifyRequest, spec: MultipartSpec, allowed: Set<string>, { files, fields, lists }: MultipartForm) {
  const listed = new Set(spec.listFields ?? [])
  for await (const part of req.parts({ limits: { fileSize: spec.maxFileBytes } })) {
    if (part.type === 'file') {
      if (part.fieldname !== spec.fileField) {
        throw badRequest(`Unexpected file field "${part.fieldname}"; files go in "${spec.fileField}".`, [
          { field: part.fieldname, message: 'is not an accepted field' },
        ])
      }
      if (files.length >= spec.maxFiles) {
        throw new AppError(
          413,
          'too_many_files',
          `At most ${spec.maxFiles} file${spec.maxFiles === 1 ? '' : 's'} may be sent in "${spec.fileField}".`,
        )
      }
      const name = part.filename ? `"${cleanFileName(part.filename)}"` : `File ${files.length + 1}`
      const tooLarge = () =>
        payloadTooLarge(`${part.filename ? name : `"${spec.fileField}"`} is larger than the ${mb(spec.maxFileBytes)} limit.`)
      const chunks: Buffer[] = []
      let size = 0
      let typeChecked = !spec.images
      try {
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          chunks.push(chunk)
          size += chunk.length
          if (size > spec.maxFileBytes) throw tooLarge()
          if (!typeChecked && size >= SNIFF_BYTES) {
            await checkImage(Buffer.concat(chunks), name)
            typeChecked = true
          }
        }
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge()
        throw e
      }
      if (part.file.truncated) throw tooLarge()
      const data = Buffer.concat(chunks, size)
      if (!typeChecked && size > 0) await checkImage(data, name)
      files.push({ filename: part.filename, mimetype: part.mimetype, data })
    } else if (listed.has(part.fieldname)) {
      if (part.valueTruncated) throw payloadTooLarge(`The field "${part.fieldname}" is longer than ${MAX_FIELD_BYTES} bytes.`)
      const list = (lists[part.fieldname] ??= [])
      if (list.length >= spec.maxFiles) {
        throw badRequest(`At most ${spec.maxFiles} "${part.fieldname}" fields may be sent.`, [
          { field: part.fieldname, message: `has more than ${spec.maxFiles} values` },
        ])
      }
      const value = String(part.value)
      refuseNul(value, `${part.fieldname}.${list.length}`)
      list.push(value)
    } else {
      if (!allowed.has(part.fieldname)) {
        throw badRequest(`Unexpected field "${part.fieldname}".`, [{ field: part.fieldname, message: 'is not an accepted field' }])
      }
      if (part.valueTruncated) throw payloadTooLarge(`The field "${part.fieldname}" is longer than ${MAX_FIELD_BYTES} bytes.`)
      if (part.fieldname in fields) {
        throw badRequest(`The field "${part.fieldname}" was sent twice.`, [{ field: part.fieldname, message: 'was sent twice' }])
      }
      const value = String(part.value)
      refuseNul(value, part.fieldname)
      fields[part.fieldname] = value
    }
  }
}

/** Refuses what is not an image the pipeline decodes, from its first bytes (the rest is never read). */
async function checkImage(head: Buffer, name: string) {
  const mime = await sniff(head)
  if (!mime || !ACCEPTED_IMAGE_TYPES.has(mime)) throw notAnImage(name, mime)
}
