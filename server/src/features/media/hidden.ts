// Photos of deleted posts. A deletion takes them out of the public area at once: each object moves
// (copy, then delete) from its public key to a private one, which neither the disk route nor the
// bucket policy serves. Administrators still see them until the retention job removes them, through
// short-lived signed URLs of GET /api/hearth/v1/admin/media/<public key> (an <img> cannot send a
// Bearer token, so the URL carries an HMAC, as message attachments do: lib/signed-url.ts).
import type { Readable } from 'node:stream'
import type { AppContext } from '../../context.js'
import { UrlSigner } from '../../lib/signed-url.js'
import { isValidKey, PRIVATE_PREFIX, type ObjectStorage, type StoredObject } from '../../platform/storage/types.js'
import * as q from './queries.js'
import { POST_PHOTO_PREFIX } from './service.js'

/** Where the photos of deleted posts wait for the retention job: `private/hidden/posts/<yyyy>/<mm>/<id>-<size>.webp`. */
export const HIDDEN_POST_PHOTO_PREFIX = `${PRIVATE_PREFIX}hidden/posts/`

/** The private key a public post-photo key moves to. */
export function hiddenKeyOf(publicKey: string): string {
  return HIDDEN_POST_PHOTO_PREFIX + publicKey.slice(POST_PHOTO_PREFIX.length)
}

/** The public key a hidden key came from. */
export function publicKeyOf(hiddenKey: string): string {
  return POST_PHOTO_PREFIX + hiddenKey.slice(HIDDEN_POST_PHOTO_PREFIX.length)
}

const isPostPhotoKey = (k: unknown): k is string => typeof k === 'string' && isValidKey(k) && k.startsWith(POST_PHOTO_PREFIX)

/** The public storage keys of a post's photos (posts.image_urls): the `keys` the pipeline recorded, else those behind its URLs. */
export function postPhotoKeys(storage: ObjectStorage, stored: unknown): string[] {
  if (!Array.isArray(stored)) return []
  const keys = new Set<string>()
  for (const s of stored) {
    if (!s || typeof s !== 'object') continue
    const image = s as { keys?: unknown; url?: unknown; thumbUrl?: unknown }
    const listed: unknown[] = Array.isArray(image.keys) ? image.keys : []
    const fromUrls = [image.url, image.thumbUrl].map((u) => (typeof u === 'string' ? storage.keyFromPublicUrl(u) : null))
    // only ever this feature's own objects
    for (const k of [...listed, ...fromUrls]) if (isPostPhotoKey(k)) keys.add(k)
  }
  return [...keys]
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}

/**
 * Moves objects from their public keys to their hidden ones: every copy first, then the public
 * deletions, so a failure half-way leaves each photo in at least one place and a second call
 * finishes the job (a public key already gone was moved before, or never stored).
 */
async function movePostPhotosOutOfPublic(storage: ObjectStorage, publicKeys: string[]): Promise<number> {
  const moved: string[] = []
  for (const key of publicKeys) {
    const object = await storage.get(key)
    if (!object) continue
    const data = await readAll(object.body)
    await storage.put(hiddenKeyOf(key), data, { contentType: object.contentType, cacheControl: 'private, max-age=3600' })
    moved.push(key)
  }
  await storage.delete(moved)
  return moved.length
}

/**
 * Takes the photos of the given deleted posts (or, with `ids` absent, of the oldest `limit` deleted
 * posts whose photos are still public: the repair after a crash between a deletion and its move)
 * out of the public area, and records it (posts.media_hidden_at). Idempotent. Resolves to the
 * number of posts handled.
 */
export async function hideDeletedPostPhotos(ctx: Pick<AppContext, 'database' | 'storage'>, ids?: number[], limit = 200): Promise<number> {
  const db = ctx.database.db
  const due = await q.postsWithPublicDeletedMedia(db, ids, limit)
  for (const post of due) {
    await movePostPhotosOutOfPublic(ctx.storage, postPhotoKeys(ctx.storage, post.imageUrls))
    await q.markMediaHidden(db, post.id)
  }
  return due.length
}

const HIDDEN_MEDIA_PATH = '/api/hearth/v1/admin/media/'

/** Signed URLs of the admin-only route that serves the photos of deleted posts. */
export class HiddenMediaUrls {
  private readonly signer: UrlSigner
  private readonly base: string

  constructor(
    secret: string,
    publicUrl: string,
    private readonly storage: ObjectStorage,
  ) {
    this.signer = new UrlSigner(secret, 'hearth:hidden-media-url:v1')
    this.base = publicUrl.replace(/\/+$/, '') + HIDDEN_MEDIA_PATH
  }

  /** The admin URL for a photo's public URL (as stored in posts.image_urls); other URLs come back unchanged. */
  forPhotoUrl(url: string, now = Date.now()): string {
    const key = this.storage.keyFromPublicUrl(url)
    if (!isPostPhotoKey(key)) return url
    const { exp, sig } = this.signer.sign(key, now)
    return `${this.base}${key}?exp=${exp}&sig=${sig}`
  }

  /** Whether the signature was made here for this key and has not expired. */
  verify(key: string, exp: number, sig: string, now = Date.now()): boolean {
    return this.signer.verify(key, exp, sig, now)
  }

  /**
   * The photo behind a public post-photo key, wherever it is: hidden (the post was deleted) or
   * still public (not yet moved). Null for any other key.
   */
  async open(publicKey: string): Promise<StoredObject | null> {
    if (!isPostPhotoKey(publicKey)) return null
    return (await this.storage.get(hiddenKeyOf(publicKey))) ?? (await this.storage.get(publicKey))
  }
}
