// Idempotency-Key on creates (posts, comments, messages), as Mastodon does for statuses: a client
// that lost a response retries with the same key and gets the first response again, not a second row.
// - The key is the user's: (user_id, key) is the table's primary key, so users never collide.
// - The request's hash (route, params, body; multipart: text fields and each file's sha256) must match:
//   the same key with another request is 422 idempotency_key_reused.
// - The row is claimed (INSERT … ON CONFLICT) before the handler runs and filled in after, so of
//   concurrent submits with one key exactly one runs; the others get 409 idempotency_key_in_progress
//   while it runs, and its response once it is done.
// - A failed create (any error) releases the claim: nothing was written, the client may retry.
// - Keys live 24 h; an expired key is reclaimed on its next use, and an hourly job deletes the rest.
//   A claim left unfilled for 5 minutes (the process died mid-request) can be reclaimed too.
import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import type { AppContext } from '../context.js'
import type { Db } from '../platform/db/index.js'
import { queryRows } from '../platform/db/rows.js'
import { startJob } from '../platform/jobs/index.js'
import { AppError, fieldError } from './errors.js'

export const IDEMPOTENCY_TTL_SECONDS = 86_400
/** An unfilled claim older than this is taken to be abandoned (its process died) and may be reclaimed. */
const ABANDONED_CLAIM_SECONDS = 300
const HEADER = 'idempotency-key'
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/

/** For the route schemas: documents the header (validated by `idempotent` itself, for a stable field name). */
export const IdempotencyHeaders = Type.Object({
  [HEADER]: Type.Optional(
    Type.String({
      description:
        'Optional, 1–255 printable ASCII characters (e.g. a UUID). Retrying with the same key and the same body within 24 h ' +
        'replays the first response (header `Idempotent-Replayed: true`) instead of creating again; the same key with another ' +
        'body is 422 `idempotency_key_reused`; while the first request with the key runs, 409 `idempotency_key_in_progress`.',
    }),
  ),
})

interface Claim {
  request_hash: string
  status: number | null
  response: unknown
}

/** What identifies "the same request": file contents by digest, object keys in a stable order. */
function canonical(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { sha256: createHash('sha256').update(value).digest('hex') }
  if (Array.isArray(value)) return value.map(canonical)
  if (value === null || typeof value !== 'object') return value
  const obj = value as Record<string, unknown>
  return Object.fromEntries(
    Object.keys(obj)
      .sort()
      .map((k) => [k, canonical(obj[k])]),
  )
}

export function requestHash(req: FastifyRequest, body: unknown): string {
  const identity = [req.method, req.routeOptions.url, canonical(req.params), canonical(body)]
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex')
}

/** The request's key, or undefined without the header; 400 validation_failed when it is malformed. */
export function idempotencyKey(req: FastifyRequest): string | undefined {
  const raw = req.headers[HEADER]
  if (raw === undefined) return undefined
  if (typeof raw !== 'string' || !KEY_PATTERN.test(raw))
    throw fieldError(
      'Idempotency-Key',
      'must be 1 to 255 printable ASCII characters',
      'The Idempotency-Key header must be 1 to 255 printable ASCII characters.',
    )
  return raw
}

/**
 * Runs `create` once per (user, Idempotency-Key) and sends its result with `status`; without the
 * header it just runs and sends. `body` is what the request asked for (for multipart: the fields
 * and files read), hashed to tell a retry from a reuse of the key.
 */
export async function idempotent(
  db: Db,
  req: FastifyRequest,
  reply: FastifyReply,
  opts: { userId: number; body: unknown; status: number },
  create: () => Promise<unknown>,
): Promise<FastifyReply> {
  const key = idempotencyKey(req)
  if (key === undefined) return reply.code(opts.status).send(await create())
  const hash = requestHash(req, opts.body)

  const claimed = await queryRows<{ key: string }>(
    db,
    sql`
      INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES (${opts.userId}, ${key}, ${hash})
      ON CONFLICT (user_id, key) DO UPDATE
        SET request_hash = excluded.request_hash, status = NULL, response = NULL, created_at = now()
        WHERE idempotency_keys.created_at < now() - make_interval(secs => ${IDEMPOTENCY_TTL_SECONDS})
           OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - make_interval(secs => ${ABANDONED_CLAIM_SECONDS}))
      RETURNING key`,
  )
  if (claimed.length === 0) return replay(db, reply, opts.userId, key, hash)

  let result: unknown
  try {
    result = await create()
  } catch (err) {
    await db.execute(sql`DELETE FROM idempotency_keys WHERE user_id = ${opts.userId} AND key = ${key} AND status IS NULL`)
    throw err
  }
  // JSON as the client receives it (dates as strings), so a replay serialises the same way.
  await db.execute(sql`
    UPDATE idempotency_keys SET status = ${opts.status}, response = ${JSON.stringify(result)}::jsonb
    WHERE user_id = ${opts.userId} AND key = ${key}`)
  return reply.code(opts.status).send(result)
}

async function replay(db: Db, reply: FastifyReply, userId: number, key: string, hash: string): Promise<FastifyReply> {
  const [row] = await queryRows<Claim>(
    db,
    sql`SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = ${userId} AND key = ${key}`,
  )
  // Released between our claim attempt and this read (the first request failed): the client retries.
  if (!row || row.status === null)
    throw new AppError(409, 'idempotency_key_in_progress', 'A request with this Idempotency-Key is in progress; retry shortly.')
  if (row.request_hash !== hash)
    throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.')
  return reply.code(row.status).header('idempotent-replayed', 'true').send(row.response)
}

/** Deletes keys older than the 24 h window. */
export async function deleteExpiredIdempotencyKeys(db: Db, ttlSeconds = IDEMPOTENCY_TTL_SECONDS): Promise<number> {
  const rows = await queryRows<{ key: string }>(
    db,
    sql`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => ${ttlSeconds}) RETURNING key`,
  )
  return rows.length
}

/** The hourly cleanup, in every instance with JOBS_ENABLED (concurrent runs delete disjoint or no rows). */
export function startIdempotencyCleanup(ctx: Pick<AppContext, 'database' | 'logger'>, opts: { intervalMs?: number } = {}) {
  const job = startJob(ctx, {
    name: 'idempotency-keys-cleanup',
    every: opts.intervalMs ?? 3_600_000,
    failure: 'deleting expired idempotency keys failed',
    async run() {
      const deleted = await deleteExpiredIdempotencyKeys(ctx.database.db)
      if (deleted > 0) job.log.info({ deleted }, 'deleted expired idempotency keys')
      return deleted
    },
  })
  return job
}

/** Account deletion's part (features/deletion calls it): the account's remembered responses. */
export async function purgeIdempotencyKeysOf(db: Db, userId: number, batch: number): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE user_id = ${userId} LIMIT ${batch}) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  )
  return Number(rows[0]?.n ?? 0)
}
