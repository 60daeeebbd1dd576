// The server as a process: how it starts when what it needs is missing, what it refuses, and that
// it always stops. Each test spawns `server/src/main.ts` (or a CLI) as `npm start` would.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabase } from '../test/helpers.js'
import { freePort, spawnHearth, stop, type Spawned } from '../test/spawn-server.js'
import { StreamClient } from '../test/stream-client.js'

const spawned: Spawned[] = []
const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hearth-life-'))
  dirs.push(d)
  return d
}
const start = async (...args: Parameters<typeof spawnHearth>) => {
  const s = await spawnHearth(...args)
  spawned.push(s)
  return s
}

let database: Awaited<ReturnType<typeof freshDatabase>>
let serverEnv: Record<string, string>

beforeAll(async () => {
  database = await freshDatabase()
  serverEnv = { DATABASE_URL: database.url! }
})
afterAll(async () => {
  for (const s of spawned) s.kill()
  await Promise.all(spawned.map((s) => s.exited))
  await database?.drop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** A one-line message, no stack trace. */
function expectOneLine(text: string) {
  const lines = text.trim().split('\n')
  expect(lines, text).toHaveLength(1)
  expect(text).not.toMatch(/\n\s+at /)
}

describe('start-up errors (issue 12 item 20)', () => {
  it('waits for an unreachable DATABASE_URL for STARTUP_TIMEOUT, logging what it waits for, then exits 78 naming it', async () => {
    const port = await freePort() // nothing listens there
    const s = await start({ DATA_DIR: tempDir(), DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/hearth`, STARTUP_TIMEOUT: '2' })
    const started = Date.now()
    const { code } = await s.exited
    expect(code).toBe(78)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500)
    expect(s.output()).toContain('waiting for PostgreSQL (DATABASE_URL)')
    expectOneLine(s.stderr())
    expect(s.stderr()).toMatch(/PostgreSQL did not answer within STARTUP_TIMEOUT \(2 s\): check DATABASE_URL/)
  })

  it('does the same for an unreachable REDIS_URL', async () => {
    const port = await freePort()
    const s = await start({ ...serverEnv, DATA_DIR: tempDir(), REDIS_URL: `redis://127.0.0.1:${port}`, STARTUP_TIMEOUT: '2' })
    expect((await s.exited).code).toBe(78)
    expect(s.output()).toContain('waiting for Redis (REDIS_URL)')
    expectOneLine(s.stderr())
    expect(s.stderr()).toContain('check REDIS_URL')
  })

  it('starts once a database that was not up yet comes up within STARTUP_TIMEOUT', async () => {
    // a TCP proxy that refuses connections at first, then forwards to PostgreSQL
    const target = new URL(database.url!)
    const port = await freePort()
    const s = await start({
      DATA_DIR: tempDir(),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}${target.pathname}`,
      STARTUP_TIMEOUT: '30',
    })
    while (!s.output().includes('waiting for PostgreSQL')) await new Promise((r) => setTimeout(r, 100))
    const proxy = await forward(port, Number(target.port || 5432))
    try {
      await s.ready()
    } finally {
      await stop(s)
      proxy.close()
    }
  })

  it('says which port is taken and to set PORT: exit 78, one line', async () => {
    const port = await freePort()
    const taken = createServer().listen(port, '127.0.0.1')
    await new Promise((r) => taken.once('listening', r))
    try {
      const s = await start({ ...serverEnv, DATA_DIR: tempDir(), PORT: String(port) })
      expect((await s.exited).code).toBe(78)
      expectOneLine(s.stderr())
      expect(s.stderr().trim()).toBe(`port ${port} is in use: set PORT`)
    } finally {
      taken.close()
    }
  })
})

describe('one process per data directory (issue 12 item 12)', () => {
  it('refuses a second server, migrate and seed on a DATA_DIR in use, and takes over the lock of a dead process', async () => {
    const dataDir = tempDir()
    const first = await start({ DATA_DIR: dataDir })
    await first.ready(120_000)
    const lock = join(dataDir, 'hearth.lock')
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(first.child.pid))

    const second = await start({ DATA_DIR: dataDir })
    expect((await second.exited).code).toBe(78)
    expectOneLine(second.stderr())
    expect(second.stderr()).toContain(`another Hearth is using ${dataDir} (pid ${first.child.pid})`)

    for (const script of ['server/src/db/cli.ts', 'server/src/seed/cli.ts']) {
      const cli = await start({ DATA_DIR: dataDir }, { script, args: script.includes('seed') ? ['--users', '1'] : [] })
      expect((await cli.exited).code, script).toBe(78)
      expect(cli.stderr(), script).toContain(`(pid ${first.child.pid})`)
    }
    // the first server is unharmed
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200)

    expect((await stop(first)).code).toBe(0)
    expect(existsSync(lock)).toBe(false) // released at exit

    // A lock left by a process that no longer exists (say, after kill -9) is taken over.
    const dead = spawnSync(process.execPath, ['-e', ''])
    writeFileSync(lock, `${dead.pid}\n`)
    const migrate = await start({ DATA_DIR: dataDir }, { script: 'server/src/db/cli.ts' })
    expect((await migrate.exited).code, migrate.output()).toBe(0)
    expect(existsSync(lock)).toBe(false)
  }, 240_000)
})

describe('shutdown always ends (issue 12 items 13, 14)', () => {
  it('exits on SIGTERM within the deadline even when stdout is a full pipe nobody reads', async () => {
    const s = await start({ ...serverEnv, DATA_DIR: tempDir(), LOG_LEVEL: 'debug' }, { stdout: 'unread' })
    await s.ready()
    // ~200 bytes a line: far more than a pipe holds (64 KiB)
    for (let i = 0; i < 1500; i += 50) await Promise.all(Array.from({ length: 50 }, () => fetch(`${s.url}/healthz`).then((r) => r.text())))
    // still serving: logging never blocks the thread
    const t0 = Date.now()
    expect((await fetch(`${s.url}/api/hearth/v1/nothing`)).status).toBe(404)
    expect(Date.now() - t0).toBeLessThan(1000)
    const { code, ms } = await stop(s)
    expect(code).toBe(0)
    expect(ms).toBeLessThan(5000)
  }, 120_000)

  it('closes open streams with 1001 and exits within 2 s of SIGTERM', async () => {
    const s = await start({ ...serverEnv, DATA_DIR: tempDir(), RATE_LIMIT_AUTH_MAX: '1000' })
    await s.ready()
    const reg = await fetch(`${s.url}/api/hearth/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'life@example.test', username: 'lifecycle', password: 'a perfectly fine passphrase' }),
    })
    expect(reg.status).toBe(201)
    const { accessToken } = (await reg.json()) as { accessToken: string }
    const streams = await Promise.all([StreamClient.connect(s.url, accessToken), StreamClient.connect(s.url, accessToken)])
    const { code, ms } = await stop(s)
    expect(code).toBe(0)
    expect(ms).toBeLessThan(2000)
    for (const stream of streams) expect((await stream.closed).code).toBe(1001)
  }, 60_000)
})

/** Forwards connections on `port` to `to` on 127.0.0.1. */
async function forward(port: number, to: number): Promise<Server> {
  const { connect } = await import('node:net')
  const server = createServer((client) => {
    const upstream = connect(to, '127.0.0.1')
    client.pipe(upstream).pipe(client)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  return server
}
