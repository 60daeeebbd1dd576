import { randomBytes } from 'node:crypto'
import { isUtf8 } from 'node:buffer'
import type { Config } from '../../config.js'
import { AppError, payloadTooLarge } from '../../http/errors.js'
import type { Logger } from '../../logger.js'
import { PRIVATE_PREFIX, PUBLIC_PREFIX, type ObjectStorage } from '../../platform/storage/types.js'
import { ACCEPTED_IMAGE_TYPES, DISPLAY_SIZE, inspectImage, processAvatar, processPhoto, sniff, THUMB_SIZE } from './pipeline.js'
import type { Media, StoredAttachment, StoredImage, UploadedFile } from './types.js'

/** Keys and URLs never change content, so browsers and CDNs may keep them forever. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
export const ATTACHMENT_PREFIX = `${PRIVATE_PREFIX}attachments/`
export const POST_PHOTO_PREFIX = `${PUBLIC_PREFIX}posts/`
export const AVATAR_PREFIX = `${PUBLIC_PREFIX}avatars/`
/** users.avatar_url points at the large size; the small one is named alike (see removeAvatar). */
export const AVATAR_LARGE = /-400\.webp$/

interface PendingObject {
  key: string
  data: Buffer
  contentType: string
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`

/** The client's name, cleaned for messages and metadata: no path, no control characters. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? ''
  const clean = base
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 200)
  return clean || 'file'
}

const label = (file: UploadedFile, index?: number) =>
  file.filename ? `"${cleanFileName(file.filename)}"` : index === undefined ? 'The file' : `File ${index + 1}`

/** 128 random bits: object URLs are capabilities, so they must not be guessable. */
const randomId = () => randomBytes(16).toString('hex')

function datedPrefix(prefix: string, now = new Date()) {
  return `${prefix}${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/`
}

/**
 * At most `n` pipelines decode at once, whatever the number of concurrent uploads: a decoded
 * 48 MP photo takes ~150 MB, and sharp already uses every core for each one.
 */
class Limiter {
  private active = 0
  private readonly waiting: (() => void)[] = []
  constructor(private readonly n: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.active++
    try {
      return await fn()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}

export class MediaService implements Media {
  private readonly limiter = new Limiter(2)

  constructor(
    private readonly storage: ObjectStorage,
    private readonly limits: Config['media'],
    private readonly logger?: Logger,
  ) {}

  async storePostImages(files: UploadedFile[]): Promise<StoredImage[]> {
    if (files.length > this.limits.maxImagesPerPost) {
      throw new AppError(413, 'too_many_files', `A post may have at most ${this.limits.maxImagesPerPost} images; got ${files.length}.`)
    }
    // Cheap refusals first (size, type, header dimensions) so one bad file costs no decoding.
    for (const [i, file] of files.entries()) {
      this.checkSize(file, this.limits.maxImageBytes, i)
      await inspectImage(file.data, label(file, i))
    }
    const processed = []
    for (const [i, file] of files.entries()) {
      processed.push(await this.limiter.run(() => processPhoto(file.data, label(file, i))))
    }
    // Nothing is written until every file has passed, so a refusal leaves nothing behind.
    const prefix = datedPrefix(POST_PHOTO_PREFIX)
    const pending: PendingObject[] = []
    const images = processed.map((p) => {
      const id = randomId()
      const displayKey = `${prefix}${id}-${DISPLAY_SIZE}.webp`
      const thumbKey = `${prefix}${id}-${THUMB_SIZE}.webp`
      pending.push({ key: displayKey, data: p.display.data, contentType: 'image/webp' })
      pending.push({ key: thumbKey, data: p.thumb.data, contentType: 'image/webp' })
      return {
        url: this.storage.publicUrl(displayKey),
        width: p.display.width,
        height: p.display.height,
        thumbUrl: this.storage.publicUrl(thumbKey),
        thumbWidth: p.thumb.width,
        thumbHeight: p.thumb.height,
        placeholder: p.placeholder,
        keys: [displayKey, thumbKey],
      }
    })
    await this.putAll(pending, IMMUTABLE)
    return images
  }

  async storeAvatar(file: UploadedFile): Promise<string> {
    this.checkSize(file, this.limits.maxImageBytes)
    await inspectImage(file.data, label(file))
    const { large, small } = await this.limiter.run(() => processAvatar(file.data, label(file)))
    const id = randomId()
    const largeKey = `${AVATAR_PREFIX}${id}-400.webp`
    await this.putAll(
      [
        { key: largeKey, data: large.data, contentType: 'image/webp' },
        { key: `${AVATAR_PREFIX}${id}-96.webp`, data: small.data, contentType: 'image/webp' },
      ],
      IMMUTABLE,
    )
    return this.storage.publicUrl(largeKey)
  }

  async storeAttachment(file: UploadedFile): Promise<StoredAttachment> {
    this.checkSize(file, this.limits.maxAttachmentBytes)
    const name = cleanFileName(file.filename)
    const mime = await sniff(file.data)
    const prefix = datedPrefix(ATTACHMENT_PREFIX)
    if (mime && ACCEPTED_IMAGE_TYPES.has(mime)) {
      await inspectImage(file.data, label(file), mime)
      const p = await this.limiter.run(() => processPhoto(file.data, label(file)))
      const key = `${prefix}${randomId()}.webp`
      await this.putAll([{ key, data: p.display.data, contentType: 'image/webp' }], 'private, max-age=3600')
      return {
        key,
        kind: 'image',
        metadata: {
          name,
          size: p.display.data.length,
          mimeType: 'image/webp',
          width: p.display.width,
          height: p.display.height,
          placeholder: p.placeholder,
        },
      }
    }
    // Anything else is kept byte for byte; its type comes from the bytes, never from the client.
    const mimeType = mime ?? (isPlainText(file.data) ? 'text/plain' : 'application/octet-stream')
    const key = `${prefix}${randomId()}`
    await this.putAll([{ key, data: file.data, contentType: mimeType }], 'private, max-age=3600')
    return { key, kind: 'file', metadata: { name, size: file.data.length, mimeType } }
  }

  async openPrivate(key: string) {
    if (!key.startsWith(ATTACHMENT_PREFIX)) return null
    return this.storage.get(key)
  }

  async removeKeys(keys: string[]): Promise<void> {
    if (!keys.length) return
    try {
      await this.storage.delete(keys)
    } catch (err) {
      this.logger?.warn({ err, keys }, 'could not remove stored objects; they are orphans now')
    }
  }

  async removeAvatar(url: string): Promise<void> {
    const key = this.storage.keyFromPublicUrl(url)
    if (!key || !key.startsWith(AVATAR_PREFIX) || !AVATAR_LARGE.test(key)) return
    await this.removeKeys([key, key.replace(AVATAR_LARGE, '-96.webp')])
  }

  private checkSize(file: UploadedFile, max: number, index?: number) {
    if (file.data.length === 0) throw new AppError(400, 'empty_file', `${label(file, index)} is empty.`)
    if (file.data.length > max) {
      throw payloadTooLarge(`${label(file, index)} is ${mb(file.data.length)}; the limit is ${mb(max)}.`)
    }
  }

  /** Writes all objects or none: after a failed write, the ones that made it are removed. */
  private async putAll(objects: PendingObject[], cacheControl: string) {
    const results = await Promise.allSettled(
      objects.map((o) => this.storage.put(o.key, o.data, { contentType: o.contentType, cacheControl })),
    )
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) {
      await this.removeKeys(objects.map((o) => o.key))
      throw failed.reason
    }
  }
}

/** UTF-8 text without NULs: served as text/plain (always as a download, see serve.ts). */
function isPlainText(data: Buffer): boolean {
  return !data.includes(0) && isUtf8(data)
}
