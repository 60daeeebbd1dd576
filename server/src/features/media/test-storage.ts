// The harness of the media suites that run once on local disk and once on S3 (hidden.test.ts,
// maintenance.test.ts): an s3rver for the file, an app per storage kind with an administrator and an
// author, the media job under the test's control, and posts with one photo.
import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect } from 'vitest'
import {
  createHarness,
  json,
  login,
  register,
  startS3Server,
  type Harness,
  type S3TestServer,
  type Session,
  type TestApp,
} from '../../../test/helpers.js'
import { posts } from '../../db/schema.js'
import { startMediaMaintenance, type MediaJob } from './maintenance-job.js'
import { png, uploadForm } from './test-images.js'

export const DAY = 86_400_000
export const ADMIN = { ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: 'admin passphrase 1' }

/**
 * Starts an S3-protocol server for the test file (call at its top level) and returns the storage
 * kinds for `describe.each`: each with the environment that puts an app on it (a bucket of its own).
 */
export function storageKinds(bucketPrefix: string) {
  let s3: S3TestServer | undefined
  beforeAll(async () => {
    s3 = await startS3Server()
  })
  afterAll(async () => s3?.close())
  return [
    ['disk', (): Record<string, string> => ({})],
    ['s3', (): Record<string, string> => s3!.env(`${bucketPrefix}-${randomBytes(4).toString('hex')}`)],
  ] as const
}

export interface MediaSuite {
  h: Harness
  t: TestApp
  /** the environment `t` was started with (to start a second instance alike) */
  env: Record<string, string>
  job: MediaJob
  admin: Session
  author: Session
}

/** A fresh harness and app on the given storage, with ADMIN signed in, an author, and the media job (unscheduled). */
export async function startMediaSuite(storageEnv: Record<string, string>, job: { retentionDays?: number } = {}): Promise<MediaSuite> {
  const h = await createHarness()
  const env = { ...ADMIN, ...storageEnv }
  const t = await h.start(env)
  return {
    h,
    t,
    env,
    job: startMediaMaintenance(t.ctx, { schedule: false, ...job }),
    admin: await login(t.app, ADMIN.ADMIN_EMAIL, ADMIN.ADMIN_PASSWORD),
    author: await register(t.app),
  }
}

/** A post by `author` with one PNG: its id, the public URLs of its photo (full, thumbnail) and its storage keys. */
export async function photoPost(t: TestApp, author: Session, content: string) {
  const form = await uploadForm([
    { name: 'content', data: content },
    { name: 'images', filename: 'a.png', type: 'image/png', data: await png(60, 40) },
  ])
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/hearth/v1/posts',
    payload: form.payload,
    headers: { ...form.headers, ...author.headers },
  })
  expect(res.statusCode).toBe(201)
  const post = json(res)
  const [row] = await t.ctx.database.db.select({ imageUrls: posts.imageUrls }).from(posts).where(eq(posts.id, post.id))
  const keys = (row!.imageUrls as { keys: string[] }[]).flatMap((i) => i.keys)
  return { id: post.id as number, urls: [post.images[0].url, post.images[0].thumbUrl] as string[], keys }
}

/** Those of `keys` that are in storage, in their order. */
export async function storedKeys(t: TestApp, keys: string[]): Promise<string[]> {
  const all = new Set(await t.ctx.storage.list())
  return keys.filter((k) => all.has(k))
}
