// PostgreSQL and Redis servers of a test's own, on free ports, for tests that stop and restart
// them (never the shared ones the rest of the suite uses).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './spawn-server.js'

const PG_BIN = '/usr/lib/postgresql/15/bin'
// initdb and postgres refuse to run as root: run them as the postgres user then.
const asPostgres = (cmd: string, args: string[]) =>
  process.getuid?.() === 0
    ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
    : execFileSync(cmd, args, { stdio: 'pipe' })

export interface OwnPostgres {
  url: string
  stop(): void
  start(): void
  destroy(): void
}

export function startOwnPostgres(port: number): OwnPostgres {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-pg-'))
  chmodSync(dir, 0o777)
  const data = join(dir, 'data')
  asPostgres(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'])
  const ctl = (action: string) =>
    asPostgres(join(PG_BIN, 'pg_ctl'), [
      '-D',
      data,
      '-w',
      '-m',
      'immediate',
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      action,
    ])
  ctl('start')
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => ctl('stop'),
    start: () => ctl('start'),
    destroy() {
      try {
        ctl('stop')
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface OwnRedis {
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' })
        return
      } catch {
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    throw new Error('redis-server did not start')
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      const c = child
      if (!c || c.exitCode !== null) return
      const exited = new Promise((r) => c.once('exit', r))
      c.kill('SIGKILL')
      await exited
    },
  }
}

export { freePort }
