// Starts the real server (`node server/src/main.ts`, as `npm start` does) on a fresh database for
// browser tests and screenshots: an embedded PGlite under a temp DATA_DIR, or — when
// TEST_DATABASE_URL (+ TEST_REDIS_URL) is set — a new PostgreSQL database dropped afterwards.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

export interface RunningServer {
  url: string
  dataDir: string
  admin: { email: string; password: string }
  /** server output so far, for failure messages */
  output(): string
  stop(): Promise<void>
}

const repo = join(import.meta.dirname, '..', '..')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** Builds web/dist when it is missing or stale, as `npm start` does. */
export function ensureWebBuild() {
  const r = spawnSync(process.execPath, [join(repo, 'scripts', 'ensure-web.mjs'), '--quiet'], { stdio: 'inherit', cwd: repo })
  if (r.status !== 0) throw new Error('the web app did not build')
}

async function freshPostgres(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hearth_e2e_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  const c = new pg.Client({ connectionString: adminUrl })
  await c.connect()
  await c.query(`CREATE DATABASE ${name}`)
  await c.end()
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: adminUrl })
      await d.connect()
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await d.end()
    },
  }
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  ensureWebBuild()
  const port = env.PORT ? Number(env.PORT) : await freePort()
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'hearth-e2e-'))
  const url = `http://127.0.0.1:${port}`
  const admin = { email: 'admin@e2e.test', password: `admin-${randomBytes(6).toString('hex')}` }
  const database = process.env.TEST_DATABASE_URL ? await freshPostgres(process.env.TEST_DATABASE_URL) : undefined
  let output = ''
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(repo, 'server', 'src', 'main.ts')], {
    cwd: repo,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      RATE_LIMIT_ANONYMOUS_MAX: '100000',
      RATE_LIMIT_USER_MAX: '100000',
      RATE_LIMIT_AUTH_MAX: '100000',
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...(database && process.env.TEST_REDIS_URL
        ? { REDIS_URL: process.env.TEST_REDIS_URL, REDIS_KEY_PREFIX: `e2e:${randomBytes(4).toString('hex')}:` }
        : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (d) => (output += String(d)))
  child.stderr?.on('data', (d) => (output += String(d)))
  let exited = false
  child.on('exit', () => (exited = true))

  const stop = async () => {
    if (!exited) {
      const done = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await done
      clearTimeout(timer)
    }
    await database?.drop().catch(() => {})
    if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 90_000
  for (;;) {
    if (exited) {
      await stop()
      throw new Error(`the server exited during start:\n${output}`)
    }
    try {
      const res = await fetch(`${url}/readyz`)
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the server did not become ready within 90 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  return { url, dataDir, admin, output: () => output, stop }
}
