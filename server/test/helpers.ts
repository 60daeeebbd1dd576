// Test harness: real parts only. Each suite gets its own fresh database (a new PostgreSQL
// database, or a PGlite copy of the migrated snapshot), its own Redis key prefix, and its own
// data directory. HTTP goes through app.inject.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { Redis } from 'ioredis'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createContext, type AppContext, type ContextOverrides } from '../src/context.js'
import { ensureAdmin } from '../src/features/auth/index.js'
import { createPgliteDatabase } from '../src/platform/db/pglite.js'
import { createPostgresDatabase } from '../src/platform/db/postgres.js'
import type { Database } from '../src/platform/db/types.js'
import { composeServices, type ServiceOptions, type Services } from '../src/services.js'
import { snapshotPath } from './setup/pglite-snapshot.js'

export const backend = process.env.HEARTH_TEST_BACKEND === 'server' ? 'server' : 'embedded'

function requireEnv(name: string): string {
  const v = process.env[name]
  if (!v)
    throw new Error(
      `${name} must be set for the server test suite (PostgreSQL + Redis); see the README's first section (the server suite: TEST_DATABASE_URL, TEST_REDIS_URL).`,
    )
  return v
}

/** A fresh, migrated database for one suite; `drop` removes it. */
export async function freshDatabase(): Promise<{ url?: string; open: () => Promise<Database>; drop: () => Promise<void> }> {
  if (backend === 'embedded') {
    const snapshot = new Blob([readFileSync(snapshotPath())])
    return { open: () => createPgliteDatabase({ snapshot }), drop: async () => {} }
  }
  const adminUrl = requireEnv('TEST_DATABASE_URL')
  const name = `hearth_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  const url = u.toString()
  const first = createPostgresDatabase(url, { poolSize: 2 })
  await first.migrate()
  await first.close()
  return {
    url,
    open: async () => createPostgresDatabase(url, { poolSize: 10 }),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

export interface TestApp {
  ctx: AppContext
  services: Services
  app: Awaited<ReturnType<typeof buildApp>>
  close(): Promise<void>
}

export interface Harness {
  /** Starts one app instance on the suite's database (call twice for two instances). */
  start(env?: Record<string, string>, overrides?: ContextOverrides & ServiceOptions): Promise<TestApp>
  close(): Promise<void>
  redisUrl?: string
  dataDir: string
}

/** One database + one Redis namespace per suite; any number of app instances on them. */
export async function createHarness(): Promise<Harness> {
  const database = await freshDatabase()
  const redisUrl = backend === 'server' ? requireEnv('TEST_REDIS_URL') : undefined
  const prefix = `test:${randomBytes(6).toString('hex')}:`
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-test-'))
  const jwtSecret = randomBytes(32).toString('hex')
  const apps: TestApp[] = []
  // PGlite is one in-process database: instances of a suite share the same handle.
  let shared: Database | undefined

  return {
    redisUrl,
    dataDir,
    async start(env = {}, overrides = {}) {
      const config = loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        JWT_SECRET: jwtSecret,
        PUBLIC_URL: 'http://localhost:3000',
        REDIS_KEY_PREFIX: prefix,
        RATE_LIMIT_ANONYMOUS_MAX: '100000',
        RATE_LIMIT_USER_MAX: '100000',
        RATE_LIMIT_AUTH_MAX: '100000',
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        ...(database.url ? { DATABASE_URL: database.url } : {}),
        ...env,
      })
      let db: Database | undefined
      if (!database.url) db = shared ??= await database.open()
      const { mailOutbox, ...parts } = overrides
      const ctx = await createContext(config, { ...parts, ...(db ? { database: db } : {}) })
      await ctx.storage.ensureReady()
      const services = composeServices(ctx, { mailOutbox })
      await ensureAdmin(ctx, services)
      const app = await buildApp(ctx, services)
      await app.ready()
      const t: TestApp = {
        ctx,
        services,
        app,
        async close() {
          await app.close()
          await services.close()
          await ctx.close()
        },
      }
      apps.push(t)
      return t
    },
    async close() {
      for (const a of apps) await a.close().catch(() => {})
      await shared?.close()
      await database.drop()
      if (redisUrl) {
        const r = new Redis(redisUrl)
        const keys = await r.keys(`${prefix}*`)
        if (keys.length) await r.del(...keys)
        await r.quit()
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

// ---- S3 ----

export interface S3TestServer {
  endpoint: string
  /** harness `start(env)` overrides that put the app on this server, in a bucket of its own */
  env(bucket?: string): Record<string, string>
  close(): Promise<void>
}

/**
 * A real S3-protocol server (s3rver) on an ephemeral port, with a temp directory. The app only
 * ever speaks to it over HTTP through @aws-sdk/client-s3, exactly as it speaks to MinIO.
 */
export async function startS3Server(): Promise<S3TestServer> {
  const { default: S3rver } = await import('s3rver')
  const directory = mkdtempSync(join(tmpdir(), 'hearth-s3-'))
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory })
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    env: (bucket = `hearth-${randomBytes(4).toString('hex')}`) => ({
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
    }),
    async close() {
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}

// ---- HTTP helpers ----

export type Res = LightMyRequestResponse & { body: string }

export function json<T = any>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T
}

export interface Session {
  user: { id: number; username: string; email: string; role: string }
  accessToken: string
  refreshToken: string
  headers: { authorization: string }
}

let counter = 0
export function uniqueName(prefix = 'user'): string {
  counter++
  return `${prefix}${Date.now().toString(36).slice(-5)}${counter}${randomBytes(2).toString('hex')}`.slice(0, 30)
}

export async function register(
  app: TestApp['app'],
  overrides: Partial<{ email: string; username: string; password: string; displayName: string }> = {},
  headers: Record<string, string> = {},
): Promise<Session & { password: string }> {
  const username = overrides.username ?? uniqueName()
  const password = overrides.password ?? 'a perfectly fine passphrase'
  const res = await app.inject({
    method: 'POST',
    url: '/api/hearth/v1/auth/register',
    headers,
    payload: { email: overrides.email ?? `${username}@example.test`, username, password, displayName: overrides.displayName },
  })
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`)
  return withHeaders(json(res), password)
}

export async function login(app: TestApp['app'], loginName: string, password: string, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url: '/api/hearth/v1/auth/login', headers, payload: { login: loginName, password } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  return withHeaders(json(res), password)
}

function withHeaders<T extends { accessToken: string }>(body: T, password: string) {
  return { ...body, password, headers: { authorization: `Bearer ${body.accessToken}` } } as T & Session & { password: string }
}

export function expectProblem(res: LightMyRequestResponse, status: number, code?: string) {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`)
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${String(res.headers['content-type'])}`)
  }
  const body = json(res)
  if (code !== undefined && body.code !== code) throw new Error(`expected code ${code}, got ${body.code}: ${res.body}`)
  for (const k of ['type', 'title', 'status', 'detail', 'code']) {
    if (!(k in body)) throw new Error(`problem lacks "${k}": ${res.body}`)
  }
  return body
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Listens on an ephemeral port (for real sockets: WebSocket clients, SMTP callbacks); returns the base URL. */
export async function listen(t: TestApp): Promise<string> {
  const address = t.app.server.address()
  if (address && typeof address === 'object') return `http://127.0.0.1:${address.port}`
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const bound = t.app.server.address()
  if (!bound || typeof bound !== 'object') throw new Error('the app is not listening')
  return `http://127.0.0.1:${bound.port}`
}
