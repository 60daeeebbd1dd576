// Runs the real entry point (`node --import tsx server/src/main.ts`, or another script) as a child
// process, for what only a process shows: exit codes, signals, stdout, locks, ports.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { join } from 'node:path'

const repo = join(import.meta.dirname, '..', '..')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

export interface Spawned {
  child: ChildProcess
  url: string
  /** stderr (and stdout, unless left unread) so far */
  output(): string
  stderr(): string
  /** resolves when the process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** polls /readyz until it answers 200 */
  ready(timeoutMs?: number): Promise<void>
  kill(): void
}

export async function spawnHearth(
  env: Record<string, string>,
  opts: { script?: string; args?: string[]; stdout?: 'collect' | 'unread' } = {},
): Promise<Spawned> {
  const port = env.PORT ? Number(env.PORT) : await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, opts.script ?? 'server/src/main.ts'), ...(opts.args ?? [])], {
    cwd: repo,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  // Left unread, the pipe fills once the server has written ~64 KiB, and stays full.
  if (opts.stdout !== 'unread') child.stdout.on('data', (d) => (out += String(d)))
  child.stderr.on('data', (d) => (err += String(d)))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  let done = false
  void exited.then(() => (done = true))
  return {
    child,
    url,
    output: () => out + err,
    stderr: () => err,
    exited,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        if (done) throw new Error(`the server exited during start:\n${out}${err}`)
        try {
          if ((await fetch(`${url}/readyz`)).ok) return
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms:\n${out}${err}`)
        await new Promise((r) => setTimeout(r, 200))
      }
    },
    kill() {
      if (!done) child.kill('SIGKILL')
    },
  }
}

/** Sends `signal` and resolves with how the process ended and how long it took. */
export async function stop(s: Spawned, signal: NodeJS.Signals = 'SIGTERM') {
  const started = Date.now()
  s.child.kill(signal)
  const result = await s.exited
  return { ...result, ms: Date.now() - started }
}
