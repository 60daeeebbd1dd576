// Issue 4's benchmark: the realtime stream under load, on PostgreSQL + Redis.
//   npm run bench:stream      (BENCH_CLIENTS=2000, BENCH_RATES=200,500 msg/s, BENCH_SECONDS=15 per phase)
// Instance A holds every WebSocket client (one per receiving user); messages are sent over HTTP at
// a steady rate, first through A itself (same-instance delivery), then through a second instance
// B (cross-instance: B commits, Redis pub/sub carries the event to A); then again at the next rate. Latency is measured from
// the moment the bench issues the POST to the moment the receiver's socket gets message.created,
// on one clock (this process). Also reported: A's resident memory per open connection.
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import pg from 'pg'
import WebSocket from 'ws'
import { TokenService } from '../server/src/features/auth/index.js'
import { benchDatabase, machine, REDIS_URL, startNode, startProcess, type Server } from './lib.js'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 2000)
const RATES = (process.env.BENCH_RATES ?? '200,500').split(',').map(Number)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const WARMUP_SECONDS = 5
const SENDERS = 200

// 2,000 client sockets here and 2,000 server sockets in A: make sure the descriptor limit allows it.
const needFds = CLIENTS * 2 + 1000
if (Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()) < needFds && !process.env.BENCH_FDS_RAISED) {
  const raise = `ulimit -n ${needFds} 2>/dev/null || ulimit -n "$(ulimit -Hn)"`
  const r = spawnSync('sh', ['-c', `${raise}; exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_FDS_RAISED: '1' },
  })
  process.exit(r.status ?? 1)
}

/** CPU seconds (user + system) a process has used so far. */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // clock ticks (USER_HZ = 100)
}
/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
const machineJiffies = () => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const idle = f[3]! + f[4]!
  const total = f.reduce((x, y) => x + y, 0)
  return { busy: total - idle, total }
}
/**
 * CPU seconds used so far by every process whose command name starts with `name`, including their
 * children that have exited (cutime/cstime: PostgreSQL's postmaster collects the time of backends
 * whose connection closed, e.g. an idle pool connection timing out between phases).
 */
const cpuOfAll = (name: string) => {
  let sum = 0
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      if (!comm.startsWith(name)) continue
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      sum += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100
    } catch {
      // gone meanwhile
    }
  }
  return sum
}
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN
const round = (n: number) => Math.round(n * 10) / 10
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// What else the machine was doing just before (other processes share these cores).
const before = machineJiffies()
await sleep(3000)
const backgroundBusy = (() => {
  const now = machineJiffies()
  return ((now.busy - before.busy) / (now.total - before.total)) * 100
})()

const publicUrl = 'http://bench.hearth.test'
const jwtSecret = randomBytes(32).toString('hex')
const dbUrl = await benchDatabase('hearth_bench_stream')
const env = {
  NODE_ENV: 'production',
  DATABASE_URL: dbUrl,
  DATABASE_POOL_SIZE: process.env.BENCH_POOL ?? '40',
  REDIS_URL,
  REDIS_KEY_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
  JWT_SECRET: jwtSecret,
  PUBLIC_URL: publicUrl, // one issuer for both instances' tokens
  DATA_DIR: '/tmp/hearth-bench-stream',
  JOBS_ENABLED: 'false',
  RATE_LIMIT_ANONYMOUS_MAX: '10000000',
  RATE_LIMIT_USER_MAX: '10000000',
}

// BENCH_PROFILE=dir writes a CPU profile of A there (node --cpu-prof), for finding where time goes.
const a = process.env.BENCH_PROFILE
  ? await startNode('server/src/main.ts', env, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] })
  : await startProcess('server/src/main.ts', env)
const b = await startProcess('server/src/main.ts', env)

// Seed: receivers (one stream each), senders, one conversation per receiver, sessions for all.
const db = new pg.Client({ connectionString: dbUrl })
await db.connect()
const tag = randomBytes(3).toString('hex')
const { rows: created } = await db.query<{ id: number }>(
  `INSERT INTO users (email, username) SELECT 'b' || g || '_${tag}@bench.test', 'b${tag}_' || g FROM generate_series(1, $1) g RETURNING id`,
  [CLIENTS + SENDERS],
)
const ids = created.map((r) => r.id)
const receivers = ids.slice(0, CLIENTS)
const senders = ids.slice(CLIENTS)
const { rows: sessions } = await db
  .query<{ user_id: number; session_token: string }>(
    `INSERT INTO user_sessions (user_id, session_token, expires_at) SELECT u, encode(gen_random_bytes(24), 'hex'), now() + interval '1 day' FROM unnest($1::int[]) u RETURNING user_id, session_token`,
    [ids],
  )
  .catch(async () =>
    // gen_random_bytes needs pgcrypto; md5 of random values is as good for a benchmark
    db.query<{ user_id: number; session_token: string }>(
      `INSERT INTO user_sessions (user_id, session_token, expires_at) SELECT u, md5(random()::text || u), now() + interval '1 day' FROM unnest($1::int[]) u RETURNING user_id, session_token`,
      [ids],
    ),
  )
const tokens = new TokenService(jwtSecret, 3600, publicUrl)
const tokenOf = new Map<number, string>()
for (const s of sessions) tokenOf.set(s.user_id, await tokens.sign({ userId: s.user_id, sessionToken: s.session_token }))
const pairs = receivers.map((r, i) => [senders[i % SENDERS]!, r] as const)
const { rows: convs } = await db.query<{ id: number; user1_id: number; user2_id: number }>(
  `INSERT INTO conversations (user1_id, user2_id) SELECT least(s, r), greatest(s, r) FROM unnest($1::int[], $2::int[]) AS p(s, r) RETURNING id, user1_id, user2_id`,
  [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
)
const convOf = new Map(convs.map((c) => [`${c.user1_id}:${c.user2_id}`, c.id]))
await db.end()

// Connect every receiver to A.
type Kind = 'same' | 'cross'
/** the phase a message was sent in, e.g. "same@500"; warm-up messages are not counted */
let phase: string | null = null
const sentAt = new Map<string, { at: number; phase: string | null }>()
const latencies = new Map<string, number[]>()
const httpLatency = new Map<string, number[]>()
const record = (m: Map<string, number[]>, key: string, ms: number) => (m.get(key) ?? m.set(key, []).get(key)!).push(ms)

const rssBefore = rssMiB(a.pid)
const sockets: WebSocket[] = []
const wsUrl = a.url.replace(/^http/, 'ws') + '/api/hearth/v1/stream'
const connectStart = Date.now()
for (let i = 0; i < receivers.length; i += 100) {
  await Promise.all(
    receivers.slice(i, i + 100).map(
      (userId) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`${wsUrl}?access_token=${tokenOf.get(userId)}`)
          ws.on('error', reject)
          ws.on('message', (raw) => {
            const e = JSON.parse((raw as Buffer).toString()) as { type: string; data: { message?: { content: string } } }
            if (e.type === 'stream.ready') return resolve()
            if (e.type !== 'message.created') return
            const now = performance.now()
            const sent = sentAt.get(e.data.message!.content)
            if (!sent) return
            sentAt.delete(e.data.message!.content)
            if (sent.phase) record(latencies, sent.phase, now - sent.at)
          })
          sockets.push(ws)
        }),
    ),
  )
}
const connectSeconds = (Date.now() - connectStart) / 1000
await sleep(2000)
const rssAfter = rssMiB(a.pid)
// What holding the connections costs while nothing happens (heartbeats, session re-validation).
const idleCpuStart = cpuSeconds(a.pid)
await sleep(5000)
const idleCpuPercent = ((cpuSeconds(a.pid) - idleCpuStart) / 5) * 100

// Send at a steady rate (open loop: the schedule does not wait for answers).
const agent = new Agent({ keepAlive: true, maxSockets: Number(process.env.BENCH_SOCKETS ?? 256) })
let sent = 0
let failed = 0
/** why sends failed: "HTTP <status> <problem code>" or the socket error's code */
const failures = new Map<string, number>()
const fail = (why: string) => {
  failed++
  failures.set(why, (failures.get(why) ?? 0) + 1)
}
let seq = 0
function send(server: Server) {
  const n = seq++
  const [from, to] = pairs[n % pairs.length]!
  const conv = convOf.get(`${Math.min(from, to)}:${Math.max(from, to)}`)!
  const content = `m${n}`
  const body = JSON.stringify({ content })
  const at = performance.now()
  const counted = phase
  sentAt.set(content, { at, phase: counted })
  const req = request(
    `${server.url}/api/hearth/v1/conversations/${conv}/messages`,
    {
      method: 'POST',
      agent,
      headers: {
        authorization: `Bearer ${tokenOf.get(from)}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    },
    (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        if (res.statusCode === 201) {
          if (counted) record(httpLatency, counted, performance.now() - at)
          return
        }
        let code = ''
        try {
          code = (JSON.parse(Buffer.concat(chunks).toString()) as { code?: string }).code ?? ''
        } catch {
          // not problem+json
        }
        fail(`HTTP ${res.statusCode} ${code}`.trim())
      })
    },
  )
  req.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message))
  req.end(body)
  sent++
}

type CpuShares = { a: number; b: number; bench: number; pg: number; redis: number; machine: number; benchLagP99: number }
const cpu = new Map<string, CpuShares>()
// This process's own event-loop delay: a latency it adds to every measurement (a busy client
// reads its sockets late), reported so that the bench's share of a figure is visible.
const loopDelay = monitorEventLoopDelay({ resolution: 1 })
loopDelay.enable()
const benchCpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const snapshot = () => ({
  a: cpuSeconds(a.pid),
  b: cpuSeconds(b.pid),
  bench: benchCpu(),
  pg: cpuOfAll('postgres'),
  redis: cpuOfAll('redis-server'),
  jiffies: machineJiffies(),
})

async function run(server: Server, kind: Kind, rate: number) {
  const key = `${kind}@${rate}`
  const tickMs = 10
  let n = 0
  let from = snapshot()
  const start = performance.now()
  phase = null // warm-up
  for (;;) {
    const elapsed = performance.now() - start
    if (elapsed >= (WARMUP_SECONDS + SECONDS) * 1000) break
    if (elapsed >= WARMUP_SECONDS * 1000 && phase !== key) {
      phase = key
      from = snapshot()
      loopDelay.reset()
    }
    const due = Math.floor((elapsed / 1000) * rate)
    while (n < due) {
      send(server)
      n++
    }
    await sleep(Math.max(1, tickMs - ((performance.now() - start) % tickMs)))
  }
  phase = null
  const to = snapshot()
  const share = (x: number, y: number) => ((y - x) / SECONDS) * 100
  cpu.set(key, {
    a: share(from.a, to.a),
    b: share(from.b, to.b),
    bench: share(from.bench, to.bench),
    pg: share(from.pg, to.pg),
    redis: share(from.redis, to.redis),
    machine: ((to.jiffies.busy - from.jiffies.busy) / (to.jiffies.total - from.jiffies.total)) * 100,
    benchLagP99: loopDelay.percentile(99) / 1e6,
  })
  // let the backlog drain before the next phase, so phases do not bleed into each other
  const drainUntil = Date.now() + 15_000
  while ([...sentAt.values()].some((v) => v.phase === key) && Date.now() < drainUntil) await sleep(200)
  await sleep(1000)
}

for (const rate of RATES) {
  await run(a, 'same', rate)
  await run(b, 'cross', rate)
}

const stats = (xs: number[] = []) => {
  const s = [...xs].sort((x, y) => x - y)
  return { n: s.length, p50: round(pct(s, 50)), p99: round(pct(s, 99)), max: round(s.at(-1) ?? NaN) }
}
const perConnKiB = ((rssAfter - rssBefore) * 1024) / CLIENTS
const lost = sentAt.size

for (const ws of sockets) ws.terminate()
agent.destroy()
const rssEndA = rssMiB(a.pid)
await Promise.all([a.stop(), b.stop()])

const rows = RATES.flatMap((rate) =>
  (['same', 'cross'] as const).map((kind) => {
    const key = `${kind}@${rate}`
    const d = stats(latencies.get(key))
    const h = stats(httpLatency.get(key))
    const c = cpu.get(key)!
    const label = kind === 'same' ? 'same instance (sent through A)' : 'cross instance (sent through B, Redis → A)'
    const shares = [c.a, c.b, c.bench, c.pg, c.redis].map((x) => Math.round(x)).join(' / ')
    return `| ${rate} | ${label} | ${d.n} | ${d.p50} | ${d.p99} | ${d.max} | ${h.p50} / ${h.p99} | ${shares} | ${Math.round(c.machine)}% | ${round(c.benchLagP99)} |`
  }),
)
const command = `npm run bench:stream   # BENCH_CLIENTS=${CLIENTS} BENCH_RATES=${RATES.join(',')} BENCH_SECONDS=${SECONDS} BENCH_POOL=${env.DATABASE_POOL_SIZE}`
const report = `# Realtime stream benchmark

Command: \`${command}\`
Machine: ${machine()}; busy ${Math.round(backgroundBusy)}% with other work just before the run; load average at the end ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}.

Setup: two server processes (A, B) on PostgreSQL 15 + Redis, NODE_ENV=production; this process holds
${CLIENTS} WebSocket clients on A (one per receiving user, each authenticated and subscribed) and sends
messages over HTTP at a steady rate (keep-alive, open loop) for ${SECONDS} s per phase after ${WARMUP_SECONDS} s of warm-up.
Each message is a full send: one transaction with the message and the conversation update, the
receiver's notification and three stream events, then Redis pub/sub to A. Latency: POST issued →
message.created received by the receiver's socket, on one clock. Both servers, PostgreSQL, Redis and the
${CLIENTS} clients share the same 2 cores (and share them with whatever else runs on the machine).

| msg/s | delivery | messages | p50 ms | p99 ms | max ms | HTTP 201 p50 / p99 ms | CPU % of a core: A / B / clients / PostgreSQL / Redis | machine busy (2 cores) | clients' event-loop delay p99 ms |
|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Sent ${sent}, failed ${failed}${failed ? ` (${[...failures].map(([why, n]) => `${n} × ${why}`).join(', ')})` : ''}, not delivered live ${lost} (a client would get those from the catch-up).
Connecting ${CLIENTS} clients took ${round(connectSeconds)} s.

| memory and idle cost of A | |
|---|---:|
| RSS before the clients connected | ${round(rssBefore)} MiB |
| RSS with ${CLIENTS} idle connections | ${round(rssAfter)} MiB |
| per connection | ${round(perConnKiB)} KiB |
| CPU holding them idle (heartbeats every 30 s, session re-validation every 2 s) | ${round(idleCpuPercent)}% of a core |
| RSS at the end | ${round(rssEndA)} MiB |

Target (issue 4): p99 ≤ 50 ms at 500 messages/s, same- and cross-instance.
`
console.log(report)
writeFileSync('bench/results/stream.md', report)
process.exit(0)
