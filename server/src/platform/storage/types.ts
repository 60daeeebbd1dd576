import type { Readable } from 'node:stream'

export interface StoredObject {
  body: Readable
  contentType: string
  size: number
}

/**
 * The object storage port: local disk under DATA_DIR (embedded default, served by this server)
 * or an S3-compatible bucket (MinIO in production) through @aws-sdk/client-s3.
 * Keys are slash-separated paths such as `posts/2026/11/<random>-1080.webp`.
 */
export interface ObjectStorage {
  readonly kind: 'disk' | 's3'
  put(key: string, body: Buffer, opts: { contentType: string; cacheControl?: string }): Promise<void>
  /** null when the key does not exist */
  get(key: string): Promise<StoredObject | null>
  delete(keys: string[]): Promise<void>
  /** The URL a browser loads a public object from (post photos, avatars). */
  publicUrl(key: string): string
  /** Creates the bucket / directory when missing. */
  ensureReady(): Promise<void>
  ping(): Promise<void>
}
