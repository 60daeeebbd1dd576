import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import type { Readable } from 'node:stream'
import type { Logger } from '../../logger.js'
import {
  assertValidKey,
  isValidKey,
  listAllKeys,
  MAX_LIST_PAGE,
  PUBLIC_PREFIX,
  type ListPage,
  type ObjectStorage,
  type StoredObject,
} from './types.js'

export interface S3StorageOptions {
  endpoint: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  region: string
  /** where browsers load public objects: S3_PUBLIC_URL, e.g. a CDN or `<endpoint>/<bucket>` */
  publicUrl: string
  /** MinIO and most self-hosted servers want path-style (`<endpoint>/<bucket>/<key>`) */
  forcePathStyle: boolean
}

const status = (e: unknown) => (e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined)
const named = (e: unknown, ...names: string[]) => e instanceof Error && names.includes(e.name)

/** Production: an S3-compatible bucket (MinIO, AWS, R2, ...) spoken to only through the AWS SDK v3. */
export function createS3Storage(opts: S3StorageOptions, logger?: Logger): ObjectStorage {
  const client = new S3Client({
    endpoint: opts.endpoint,
    region: opts.region,
    forcePathStyle: opts.forcePathStyle,
    credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    // Since 3.729 the SDK adds CRC32 checksums to every upload by default, which MinIO releases
    // before 2025 and other S3 look-alikes reject; send them only where the API requires one.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 60_000 },
  })
  const bucket = opts.bucket
  const base = opts.publicUrl.replace(/\/+$/, '')

  async function createBucket() {
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }))
    } catch (e) {
      if (named(e, 'BucketAlreadyOwnedByYou', 'BucketAlreadyExists')) return // another instance won the race
      throw e
    }
    // A bucket we create gets anonymous read on public/ only, so S3_PUBLIC_URL works for photos
    // and avatars while private/ (message attachments) stays private. An existing bucket's
    // policy is the operator's: we never touch it.
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/${PUBLIC_PREFIX}*`] },
      ],
    }
    try {
      await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }))
    } catch (e) {
      logger?.warn(
        { err: e, bucket },
        `could not set the bucket policy; grant anonymous read on ${PUBLIC_PREFIX}* yourself (e.g. mc anonymous set download <alias>/${bucket}/${PUBLIC_PREFIX})`,
      )
    }
    logger?.info({ bucket }, 'created the storage bucket')
  }

  return {
    kind: 's3',

    async put(key, body, o) {
      assertValidKey(key)
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: o.contentType,
          ContentLength: body.length,
          ...(o.cacheControl ? { CacheControl: o.cacheControl } : {}),
        }),
      )
    },

    async get(key): Promise<StoredObject | null> {
      if (!isValidKey(key)) return null
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        return {
          body: res.Body as Readable,
          size: res.ContentLength ?? 0,
          contentType: res.ContentType ?? 'application/octet-stream',
          ...(res.CacheControl ? { cacheControl: res.CacheControl } : {}),
        }
      } catch (e) {
        if (named(e, 'NoSuchKey', 'NotFound') || status(e) === 404) return null
        throw e
      }
    },

    async delete(keys) {
      keys.forEach(assertValidKey)
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000)
        const res = await client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
        )
        const failed = (res.Errors ?? []).filter((err) => err.Code !== 'NoSuchKey')
        if (failed.length) {
          throw new Error(`could not delete ${failed.length} object(s), first ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message}`)
        }
      }
    },

    list(prefix = '') {
      return listAllKeys((o) => this.listPage(o), prefix)
    },

    // ListObjects (v1) with Marker: "after this key" is exactly the page boundary we want, every
    // S3 look-alike has it, and no opaque continuation token is involved (s3rver's needs DES,
    // which OpenSSL 3 no longer offers by default).
    async listPage(o = {}): Promise<ListPage> {
      const limit = Math.max(1, Math.min(o.limit ?? MAX_LIST_PAGE, MAX_LIST_PAGE))
      const res = await client.send(
        new ListObjectsCommand({ Bucket: bucket, Prefix: o.prefix || undefined, Marker: o.startAfter || undefined, MaxKeys: limit }),
      )
      const objects = (res.Contents ?? []).flatMap((c) =>
        // no date reads as "just written": the orphan sweeper then leaves the object alone
        c.Key ? [{ key: c.Key, size: c.Size ?? 0, lastModified: c.LastModified ?? new Date() }] : [],
      )
      return { objects, next: res.IsTruncated && objects.length > 0 ? objects[objects.length - 1]!.key : null }
    },

    async removeLeftovers() {
      return 0 // PutObject is atomic: an interrupted upload leaves nothing behind
    },

    publicUrl(key) {
      assertValidKey(key)
      return `${base}/${key}`
    },

    keyFromPublicUrl(url) {
      if (!url.startsWith(base + '/')) return null
      const key = url.slice(base.length + 1)
      return isValidKey(key) ? key : null
    },

    async ensureReady() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }))
      } catch (e) {
        if (status(e) === 404 || named(e, 'NotFound', 'NoSuchBucket')) return createBucket()
        throw e
      }
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }))
    },

    async close() {
      client.destroy()
    },
  }
}
