// What the benchmarks against the seeded dataset share (bench/feed.ts, bench/discovery.ts): wait
// for a quiet machine, run the real server as its own process on the dataset, sign viewers in the
// way a client does, and measure a case with autocannon, keeping its row and its CPU per request.
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { cpuPerRequest, cpuSnapshot } from './cpu.js'
import { load, REDIS_URL, startNode, type Measured, type Server } from '../lib.js'

export const formatLoad = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')

/** Waits up to `minutes` for a 1-minute load average under 2.5 and says what it saw. */
export async function waitForQuietMachine(minutes: number, log: (line: string) => void): Promise<string> {
  const deadline = Date.now() + minutes * 60_000
  for (;;) {
    const l1 = loadavg()[0]!
    if (l1 < 2.5) return `load average ${formatLoad()} at start`
    if (Date.now() >= deadline) return `**machine busy: load average ${formatLoad()} at start (waited ${minutes} min for < 2.5)**`
    log(`load average ${l1.toFixed(2)} ≥ 2.5: waiting (up to ${Math.round((deadline - Date.now()) / 60_000)} more minutes)`)
    await new Promise((r) => setTimeout(r, 60_000))
  }
}

/** The server's environment for a benchmark: production mode, limits out of the way, jobs off. */
export function benchServerEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ACCESS_TOKEN_TTL: '7200',
    // tokens name the issuer (PUBLIC_URL, which defaults to the port): fixed, so a restarted server accepts them
    PUBLIC_URL: 'http://hearth-bench.test',
    DATA_DIR: dataDir,
    JOBS_ENABLED: 'false',
    RATE_LIMIT_ANONYMOUS_MAX: '10000000',
    RATE_LIMIT_USER_MAX: '10000000',
    RATE_LIMIT_AUTH_MAX: '10000000',
  }
}

export async function inBatches<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))))
  return out
}

/** autocannon request that rotates through `list`, each request built by `make` */
export function rotating<T>(list: T[], make: (item: T) => { path: string; token?: string }) {
  let i = 0
  return {
    method: 'GET' as const,
    setupRequest: (req: any) => {
      const r = make(list[i++ % list.length]!)
      return { ...req, path: r.path, headers: r.token ? { ...req.headers, authorization: `Bearer ${r.token}` } : req.headers }
    },
  }
}

/** One server process under measurement, and what its cases measured. */
export class BenchServer {
  readonly rows: Measured[] = []
  readonly cpu = new Map<string, { server: number; postgres: number }>()

  private constructor(
    public server: Server,
    private readonly env: Record<string, string>,
    private readonly duration: number,
    private readonly log: (line: string) => void,
  ) {}

  static async start(env: Record<string, string>, opts: { duration: number; log: (line: string) => void; nodeArgs?: string[] }) {
    const server = await startNode('server/src/main.ts', env, { nodeArgs: opts.nodeArgs ?? [] })
    return new BenchServer(server, env, opts.duration, opts.log)
  }

  /** Stops the process and starts another with `extra` in its environment (same database and secret, so tokens stay valid). */
  async restart(extra: Record<string, string>) {
    await this.server.stop()
    this.server = await startNode('server/src/main.ts', { ...this.env, ...extra })
  }

  async api<T>(path: string, token?: string, method = 'GET', body?: unknown): Promise<T> {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(this.server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    const text = await res.text()
    return (text ? JSON.parse(text) : undefined) as T
  }

  async signIn(username: string, password: string): Promise<string> {
    const body = await this.api<{ accessToken: string }>('/api/hearth/v1/auth/login', undefined, 'POST', { login: username, password })
    return body.accessToken
  }

  async measure(name: string, requests: object[]): Promise<Measured> {
    const url = this.server.url
    await load('warmup', { url, requests, duration: 2 })
    const before = cpuSnapshot(this.server.pid)
    const m = await load(name, { url, requests, duration: this.duration, pid: this.server.pid })
    this.cpu.set(name, cpuPerRequest(before, cpuSnapshot(this.server.pid), m.reqPerSec * this.duration))
    this.rows.push(m)
    this.log(`${name}: ${m.reqPerSec} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, non-2xx ${m.non2xx}, errors ${m.errors}`)
    return m
  }

  cpuTable(): string {
    return `| case | server ms | PostgreSQL ms |
|---|---:|---:|
${[...this.cpu].map(([name, c]) => `| ${name} | ${c.server} | ${c.postgres} |`).join('\n')}`
  }

  stop() {
    return this.server.stop()
  }
}
