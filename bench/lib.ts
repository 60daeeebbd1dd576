// Shared benchmark plumbing: start servers as child processes, drive them with autocannon,
// sample their memory, and print/write a results table. Benchmarks are not tests.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import autocannon from 'autocannon'
import pg from 'pg'

export const PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/** Creates (or recreates) a database for a benchmark and returns its URL. */
export async function benchDatabase(name: string, recreate = true): Promise<string> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  if (recreate) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(PG_ADMIN_URL)
  u.pathname = `/${name}`
  return u.toString()
}

export interface Server {
  url: string
  pid: number
  child: ChildProcess
  stop(): Promise<void>
}

/** Runs a script (through tsx) as its own process and waits for GET <readyPath> to answer. */
export function startProcess(script: string, env: Record<string, string>, readyPath = '/healthz'): Promise<Server> {
  return startNode(script, env, { readyPath })
}

/** Peak resident memory (VmHWM) of a process, in MiB. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 1024)
}

export interface Measured {
  name: string
  reqPerSec: number
  p50: number
  p99: number
  non2xx: number
  errors: number
  rssMiB?: number
}

export async function load(name: string, opts: autocannon.Options & { pid?: number }): Promise<Measured> {
  const result = await autocannon({ connections: 50, duration: 10, ...opts })
  return {
    name,
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    rssMiB: opts.pid ? peakRssMiB(opts.pid) : undefined,
  }
}

export function table(rows: Measured[], reference?: Measured): string {
  const head = '| case | req/s | p50 ms | p99 ms | non-2xx | errors | peak RSS MiB |' + (reference ? ` vs ${reference.name} |` : '')
  const sep = '|---|---:|---:|---:|---:|---:|---:|' + (reference ? '---:|' : '')
  const lines = rows.map(
    (r) =>
      `| ${r.name} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} | ${r.rssMiB ?? ''} |` +
      (reference ? ` ${Math.round((100 * r.reqPerSec) / reference.reqPerSec)}% |` : ''),
  )
  return [head, sep, ...lines].join('\n')
}

export function machine(): string {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? 'unknown CPU'
  return `${new Date().toISOString()} · Node ${process.version} · ${cpus} · ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length} cores`
}

/**
 * Runs a script (through tsx) as its own process, with extra Node flags if given (e.g. --cpu-prof,
 * which NODE_OPTIONS does not accept), and waits for GET <readyPath> to answer.
 */
export async function startNode(
  script: string,
  env: Record<string, string>,
  opts: { nodeArgs?: string[]; readyPath?: string } = {},
): Promise<Server> {
  const port = await freePort()
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`)
    try {
      if ((await fetch(url + (opts.readyPath ?? '/healthz'))).ok) break
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${script} did not become ready`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    url,
    pid: child.pid!,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
