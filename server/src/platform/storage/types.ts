import type { Readable } from 'node:stream'

/** One entry of a listing. */
export interface ListedObject {
  key: string
  size: number
  /** when the object was last written (the storage's clock: file mtime, S3 LastModified) */
  lastModified: Date
}

export interface ListPage {
  /** in key order (bytewise, as S3 lists) */
  objects: ListedObject[]
  /** pass as `startAfter` for the next page; null when this page was the last */
  next: string | null
}

export interface StoredObject {
  body: Readable
  contentType: string
  size: number
  /** as given to put(); absent when the object was written without one */
  cacheControl?: string
}

/**
 * The object storage port: local disk under DATA_DIR (embedded default, served by this server)
 * or an S3-compatible bucket (MinIO in production) through @aws-sdk/client-s3.
 * Keys are slash-separated paths such as `posts/2026/11/<random>-1080.webp`; each segment starts
 * with a letter or digit and holds only `A-Z a-z 0-9 . _ -` (see isValidKey), so a key can never
 * climb out of its root or collide with the disk implementation's bookkeeping files.
 * Only keys under PUBLIC_PREFIX are publicly readable: the disk route serves nothing else and the
 * bucket policy set on creation grants anonymous reads on that prefix alone.
 */
export interface ObjectStorage {
  readonly kind: 'disk' | 's3'
  /** Replaces the object atomically: readers see the old object or the new one, never half of it. */
  put(key: string, body: Buffer, opts: { contentType: string; cacheControl?: string }): Promise<void>
  /** null when the key does not exist (or is not a valid key) */
  get(key: string): Promise<StoredObject | null>
  /** Deleting a missing key is not an error. */
  delete(keys: string[]): Promise<void>
  /** Every key under the prefix, sorted (tests and small prefixes; not for request paths). */
  list(prefix?: string): Promise<string[]>
  /**
   * At most `limit` (default and maximum 1000) objects under `prefix` whose keys sort after
   * `startAfter`, in key order: the bounded way through a whole bucket (the orphan sweeper).
   * Deleting listed keys between pages is fine: the next page starts after a key, not a cursor.
   */
  listPage(opts?: { prefix?: string; startAfter?: string; limit?: number }): Promise<ListPage>
  /**
   * Removes what interrupted writes left behind, last touched before `before`: on disk, temporary
   * files and metadata sidecars without their object (a crash mid-put); nothing on S3, where a put
   * is atomic. Resolves to how many went. Never touches an object list() shows.
   */
  removeLeftovers(before: Date): Promise<number>
  /** The URL a browser loads a public object from (post photos, avatars). */
  publicUrl(key: string): string
  /** The key behind a URL made by publicUrl(), or null for any other URL. */
  keyFromPublicUrl(url: string): string | null
  /** Creates the bucket / directory when missing. */
  ensureReady(): Promise<void>
  ping(): Promise<void>
  /** Releases connections (S3 keep-alive sockets); the storage is unusable afterwards. */
  close(): Promise<void>
}

/** Objects anyone may load by URL (post photos, avatars); their keys are unguessable and immutable. */
export const PUBLIC_PREFIX = 'public/'
/** Objects only their feature may stream back, after its own access check (message attachments). */
export const PRIVATE_PREFIX = 'private/'

export const MAX_LIST_PAGE = 1000

/** Every key under `prefix`, by paging through `listPage`: how both storages answer list(). */
export async function listAllKeys(listPage: ObjectStorage['listPage'], prefix: string): Promise<string[]> {
  const keys: string[] = []
  let startAfter: string | undefined
  do {
    const page = await listPage({ prefix, startAfter })
    keys.push(...page.objects.map((o) => o.key))
    startAfter = page.next ?? undefined
  } while (startAfter)
  return keys
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/

export function isValidKey(key: string): boolean {
  return key.length <= 512 && KEY.test(key)
}

export function isPublicKey(key: string): boolean {
  return isValidKey(key) && key.startsWith(PUBLIC_PREFIX)
}

export class InvalidKeyError extends Error {
  constructor(key: string) {
    super(`Invalid storage key: ${JSON.stringify(key.slice(0, 100))}`)
  }
}

export function assertValidKey(key: string): void {
  if (!isValidKey(key)) throw new InvalidKeyError(key)
}
