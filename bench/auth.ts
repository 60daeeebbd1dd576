// Issue 2's benchmark: authenticated GET /users/me and sign-in, against PostgreSQL + Redis,
// beside references measured in the same run (bare Fastify route; raw argon2id verify rate).
//   npm run bench:auth            (BENCH_DURATION=10 seconds per case by default)
import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { benchDatabase, load, machine, REDIS_URL, startProcess, table, type Measured } from './lib.js'

const duration = Number(process.env.BENCH_DURATION ?? 10)
const USERS = 200
const password = 'a perfectly fine passphrase'

const dbUrl = await benchDatabase('hearth_bench_auth')
const baseEnv = {
  NODE_ENV: 'production',
  DATABASE_URL: dbUrl,
  REDIS_URL,
  REDIS_KEY_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
  JWT_SECRET: randomBytes(32).toString('hex'),
  // One issuer for both server runs, so tokens minted by the first stay valid on the second.
  PUBLIC_URL: 'http://bench.local',
  DATA_DIR: '/tmp/hearth-bench-auth',
  JOBS_ENABLED: 'false',
  RATE_LIMIT_ANONYMOUS_MAX: '10000000',
  RATE_LIMIT_USER_MAX: '10000000',
  RATE_LIMIT_AUTH_MAX: '10000000',
}

const rows: Measured[] = []

// 1. Reference: bare Fastify
const hello = await startProcess('bench/hello-server.ts', {})
await load('warmup', { url: `${hello.url}/hello`, duration: 2 })
const ref = await load('bare Fastify GET /hello', { url: `${hello.url}/hello`, duration, pid: hello.pid })
await hello.stop()
rows.push(ref)

// 2. The app, with the rate limiter (Redis-backed) on, as deployed
const app = await startProcess('server/src/main.ts', baseEnv)
const tokens: string[] = []
const logins: string[] = []
for (let i = 0; i < USERS; i++) {
  const username = `bench_${i}_${randomBytes(2).toString('hex')}`
  const res = await fetch(`${app.url}/api/hearth/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${username}@bench.test`, username, password }),
  })
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`)
  tokens.push(((await res.json()) as { accessToken: string }).accessToken)
  logins.push(username)
}
let i = 0
const meRequest = {
  method: 'GET' as const,
  path: '/api/hearth/v1/users/me',
  setupRequest: (req: any) => ({ ...req, headers: { authorization: `Bearer ${tokens[i++ % USERS]}` } }),
}
await load('warmup', { url: app.url, requests: [meRequest], duration: 2 })
rows.push(await load('GET /users/me (auth + rate limit in Redis)', { url: app.url, requests: [meRequest], duration, pid: app.pid }))

let j = 0
const loginRequest = {
  method: 'POST' as const,
  path: '/api/hearth/v1/auth/login',
  headers: { 'content-type': 'application/json' },
  setupRequest: (req: any) => ({ ...req, body: JSON.stringify({ login: logins[j++ % USERS], password }) }),
}
const signIn = await load('POST /auth/login', { url: app.url, requests: [loginRequest], duration, connections: 16, pid: app.pid })
rows.push(signIn)
await app.stop()

// 3. The app without the general rate limiter, to show what the limiter's Redis round trip costs
const bare = await startProcess('server/src/main.ts', { ...baseEnv, RATE_LIMIT_ENABLED: 'false' })
await load('warmup', { url: bare.url, requests: [meRequest], duration: 2 })
rows.push(await load('GET /users/me (auth only, limiter off)', { url: bare.url, requests: [meRequest], duration, pid: bare.pid }))
await bare.stop()

// 4. Reference: raw argon2id verifications per second on this machine, same parameters
const argon = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bench/argon2-rate.ts', String(duration), '4']).toString()) as {
  verifiesPerSec: number
}

const meRows = rows.filter((r) => r.name.startsWith('GET /users/me'))
const report = `# Auth benchmark

Command: \`npm run bench:auth\` (autocannon, 50 connections, ${duration} s per case; sign-in with 16 connections).
Machine: ${machine()}. Server: PostgreSQL 15 + Redis, one Node process, NODE_ENV=production, logs at warn.
The machine is shared and noisy: read the ratios, which were measured in one run.

${table(
  rows.filter((r) => r !== signIn),
  ref,
)}

| sign-in | per second |
|---|---:|
| POST /auth/login (full request: argon2id verify + session insert + JWT) | ${signIn.reqPerSec} (p50 ${signIn.p50} ms, p99 ${signIn.p99} ms) |
| raw argon2id verify, same parameters, 4 in flight (libuv pool) | ${argon.verifiesPerSec} |
| ratio | ${Math.round((100 * signIn.reqPerSec) / argon.verifiesPerSec)}% (goal ≥ 80%) |

Goals (issue 2): authenticated GET /users/me ≥ 40% of the bare route: ${meRows.map((r) => `${r.name}: ${Math.round((100 * r.reqPerSec) / ref.reqPerSec)}%`).join('; ')}.
`
console.log(report)
writeFileSync('bench/results/auth.md', report)
