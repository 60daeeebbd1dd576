// Issue 3's feed benchmark: the real server (PostgreSQL + Redis) on a seeded dataset, measured
// with autocannon (50 connections) on the home feed (first and 20th page), explore, a post's
// comments and like/unlike, beside two references measured in the same run: the bare Fastify
// route and the feed's own SQL run directly by pgbench.
//   npm run bench                      BENCH_DURATION (s per case, default 10), BENCH_USERS
//                                      (dataset size, default 10000), BENCH_WAIT_MINUTES (wait for
//                                      a quiet machine, default 20), BENCH_CPU_PROF=dir (profile)
import { mkdirSync, writeFileSync } from 'node:fs'
import pg from 'pg'
import { HOME_FEED_SQL, HOME_PAGE_SQL, homeFeedParams } from '../server/src/features/feed/index.js'
import { authorVisibleSql } from '../server/src/features/visibility/index.js'
import { boundBefore, decodeTimeCursor } from '../server/src/lib/keyset.js'
import { formatShape } from '../server/src/seed/describe.js'
import { ensureDataset } from './feed/dataset.js'
import { pgbench } from './feed/pgbench.js'
import { BenchServer, benchServerEnv, formatLoad, inBatches, rotating, waitForQuietMachine } from './feed/server-run.js'
import { pickViewers, type PickedViewer } from './feed/viewers.js'
import { load, machine, startProcess, table } from './lib.js'

const duration = Number(process.env.BENCH_DURATION ?? 10)
const users = Number(process.env.BENCH_USERS ?? 10_000)
const waitMinutes = Number(process.env.BENCH_WAIT_MINUTES ?? 20)
const out = process.env.BENCH_OUT ?? 'bench/results/feed.md'
const VIEWERS = 50
const PAGE = 20
const DEEP = 20
const log = (line: string) => console.log(line)

// ---- dataset ----
const dataset = await ensureDataset(users, log)
const sqlClient = new pg.Client({ connectionString: dataset.url })
await sqlClient.connect()
const q = async <T>(text: string, params: unknown[] = []) => (await sqlClient.query(text, params)).rows as T[]

interface Viewer extends PickedViewer {
  token: string
  deepCursor: string
}

const picked = await pickViewers(sqlClient, { count: VIEWERS, page: PAGE, deep: DEEP })
const loadAtStart = await waitForQuietMachine(waitMinutes, log)
log(loadAtStart)

// ---- reference 1: bare Fastify ----
const hello = await startProcess('bench/hello-server.ts', {})
await load('warmup', { url: `${hello.url}/hello`, duration: 2 })
const ref = await load('bare Fastify GET /hello', { url: `${hello.url}/hello`, duration, pid: hello.pid })
await hello.stop()

// ---- the server ----
const profileDir = process.env.BENCH_CPU_PROF
if (profileDir) mkdirSync(profileDir, { recursive: true })
const bench = await BenchServer.start(benchServerEnv(dataset.url, '/tmp/hearth-bench-feed'), {
  duration,
  log,
  nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
})
const api = <T>(path: string, token?: string, method = 'GET') => bench.api<T>(path, token, method)
const { rows } = bench
const measure = (name: string, requests: object[]) => bench.measure(name, requests)

async function signIn(v: PickedViewer, walk: boolean): Promise<Viewer> {
  const token = await bench.signIn(v.username, dataset.password)
  let cursor = ''
  // The cursor of page DEEP, obtained the way a client gets it: by reading the pages before it.
  for (let page = 1; walk && page < DEEP; page++) {
    const body = await api<{ nextCursor: string | null }>(
      `/api/hearth/v1/feed${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
      token,
    )
    if (!body.nextCursor) throw new Error(`${v.username}'s feed ends before page ${DEEP}`)
    cursor = body.nextCursor
  }
  return { ...v, token, deepCursor: cursor }
}

const viewers = await inBatches(picked.typical, 8, (v) => signIn(v, true))
const heavy = await inBatches(picked.heavy, 8, (v) => signIn(v, false))
const [safety] = await q<{ n: number; private: number; muting: number; blocking: number; blocked: number }>(
  `SELECT count(*)::int AS n, count(*) FILTER (WHERE u.is_private)::int AS private,
     count(*) FILTER (WHERE EXISTS (SELECT 1 FROM user_mutes m WHERE m.muter_id = u.id))::int AS muting,
     count(*) FILTER (WHERE EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = u.id))::int AS blocking,
     count(*) FILTER (WHERE EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocked_id = u.id))::int AS blocked
   FROM users u WHERE u.id = ANY ($1::int[])`,
  [[...viewers, ...heavy].map((v) => v.id)],
)

// What every signed-in request pays before any feature code runs (JWT, session, rate limiter).
const me = await measure('GET /users/me (auth baseline)', [rotating(viewers, (v) => ({ path: '/api/hearth/v1/users/me', token: v.token }))])
const page1 = await measure('home feed, page 1', [rotating(viewers, (v) => ({ path: '/api/hearth/v1/feed', token: v.token }))])
const page20 = await measure(`home feed, page ${DEEP}`, [
  rotating(viewers, (v) => ({ path: `/api/hearth/v1/feed?cursor=${encodeURIComponent(v.deepCursor)}`, token: v.token })),
])
const heavyPage1 = await measure(`home feed, page 1, top ${heavy.length} following counts`, [
  rotating(heavy, (v) => ({ path: '/api/hearth/v1/feed', token: v.token })),
])
await measure('explore, page 1', [rotating(viewers, (v) => ({ path: '/api/hearth/v1/feed/explore', token: v.token }))])

// The most discussed posts, each read by the viewer it is paired with (in turn), kept when that
// viewer may see its author (the server's own rule: private accounts, blocks).
const discussed = await q<{ post: number; viewer: number }>(
  `SELECT d.id AS post, v.viewer FROM (
     SELECT p.id, p.user_id, row_number() OVER (ORDER BY p.comment_count DESC, p.id) AS rank FROM posts p JOIN users u ON u.id = p.user_id
     WHERE NOT p.is_deleted AND NOT u.is_blocked AND p.comment_count > 0 ORDER BY p.comment_count DESC, p.id LIMIT 100) d
   JOIN unnest($1::int[]) WITH ORDINALITY v(viewer, n) ON v.n = (d.rank - 1) % cardinality($1::int[]) + 1
   JOIN users u ON u.id = d.user_id
   WHERE ${authorVisibleSql('v.viewer', 'u')}
   ORDER BY d.rank LIMIT 50`,
  [viewers.map((v) => v.id)],
)
const tokenOf = new Map(viewers.map((v) => [v.id, v.token]))
await measure('comments of a post, page 1', [
  rotating(
    discussed.map((d) => ({ post: d.post, token: tokenOf.get(d.viewer)! })),
    (x) => ({ path: `/api/hearth/v1/posts/${x.post}/comments`, token: x.token }),
  ),
])

// Like then unlike, on posts these viewers had not liked, so the dataset ends as it began.
const pairs = (
  await q<{ post: number; viewer: number }>(
    `SELECT p.id AS post, v.viewer FROM unnest($1::int[]) WITH ORDINALITY v(viewer, n)
     CROSS JOIN LATERAL (
       SELECT p.id FROM posts p JOIN users u ON u.id = p.user_id
       WHERE NOT p.is_deleted AND p.user_id <> v.viewer AND ${authorVisibleSql('v.viewer', 'u')}
         AND NOT EXISTS (SELECT 1 FROM likes l WHERE l.user_id = v.viewer AND l.post_id = p.id)
         AND p.id % 97 = v.n % 97
       ORDER BY p.id DESC LIMIT 20) p`,
    [viewers.map((v) => v.id)],
  )
).map((r) => ({ post: r.post, token: tokenOf.get(r.viewer)! }))
let k = 0
await measure('like + unlike (PUT, DELETE)', [
  {
    method: 'PUT',
    setupRequest: (req: any, context: any) => {
      const pair = pairs[k++ % pairs.length]!
      context.pair = pair
      return { ...req, path: `/api/hearth/v1/posts/${pair.post}/like`, headers: { ...req.headers, authorization: `Bearer ${pair.token}` } }
    },
  },
  {
    method: 'DELETE',
    setupRequest: (req: any, context: any) => ({
      ...req,
      path: `/api/hearth/v1/posts/${context.pair.post}/like`,
      headers: { ...req.headers, authorization: `Bearer ${context.pair.token}` },
    }),
  },
])
// autocannon may stop between a PUT and its DELETE: unlike every pair through the API.
await inBatches(pairs, 20, (p) => api(`/api/hearth/v1/posts/${p.post}/like`, p.token, 'DELETE'))
await q(`DELETE FROM notifications WHERE created_at > now() - interval '1 hour' AND type = 'like'`)
const serverRss = rows.at(-1)?.rssMiB

// The same feed page with the Redis-backed rate limiter off: what its round trip costs. The
// sessions and tokens stay valid (same database and JWT secret).
await bench.restart({ RATE_LIMIT_ENABLED: 'false' })
const noLimiter = await measure('home feed, page 1, rate limiter off', [
  rotating(viewers, (v) => ({ path: '/api/hearth/v1/feed', token: v.token })),
])
await bench.stop()

// ---- reference 2: the feed's SQL, directly ----
const first = boundBefore(undefined)
const page1Params = viewers.map((v) => homeFeedParams(v.id, first, PAGE))
const sql1 = pgbench(
  dataset.url,
  { name: 'home feed page SQL, page 1, prepared', text: HOME_PAGE_SQL, params: page1Params },
  { seconds: duration },
)
const sql1x = pgbench(
  dataset.url,
  { name: 'home feed page SQL, page 1, unprepared (parse + plan per call)', text: HOME_PAGE_SQL, params: page1Params },
  { seconds: duration, mode: 'extended' },
)
const sql20 = pgbench(
  dataset.url,
  {
    name: `home feed page SQL, page ${DEEP}, prepared`,
    text: HOME_PAGE_SQL,
    params: viewers.map((v) => homeFeedParams(v.id, decodeTimeCursor(v.deepCursor)!, PAGE)),
  },
  { seconds: duration },
)
const skeleton1 = pgbench(
  dataset.url,
  { name: 'its skeleton alone (HOME_FEED_SQL: ids only), page 1, prepared', text: HOME_FEED_SQL, params: page1Params },
  { seconds: duration },
)
await sqlClient.end()

// ---- report ----
const pct = (a: number, b: number) => `${Math.round((100 * a) / b)}%`
const check = (ok: boolean) => (ok ? 'met' : '**missed**')
const followingOf = (vs: { following: number }[]) => {
  const f = vs.map((v) => v.following).sort((a, b) => a - b)
  return `following ${f[0]}–${f.at(-1)} accounts (median ${f[Math.floor(f.length / 2)]})`
}
const report = `# Feed benchmark

Command: \`npm run bench\` (BENCH_DURATION=${duration}: autocannon, 50 connections, ${duration} s per case after a 2 s warm-up).
Machine: ${machine()}; ${loadAtStart}, ${formatLoad()} at the end.
Server: \`server/src/main.ts\` as one Node process, PostgreSQL 15 (pool of 10) + Redis (rate limiter on,
limits raised), NODE_ENV=production, LOG_LEVEL=warn, JOBS_ENABLED=false. Client, server and database share the 2 cores.

Dataset (\`npm run seed -- --users ${users}\`${dataset.reused ? ', reused from an earlier run' : `, seeded in ${dataset.seedSeconds?.toFixed(0)} s`}):
${formatShape(dataset.shape)
  .split('\n')
  .map((l) => `- ${l}`)
  .join('\n')}

Viewers: ${viewers.length} signed-in users, one at every other percentile of following counts among those whose feed
reaches page ${DEEP} (${followingOf(viewers)}); the heavy case uses the ${heavy.length} users who follow the most accounts
(${followingOf(heavy)}). Requests rotate through the viewers. Page ${DEEP}'s cursor was obtained by reading pages 1–${DEEP - 1}.
Of these ${safety!.n} viewers, ${safety!.private} are private, ${safety!.muting} mute someone, ${safety!.blocking} block someone, ${safety!.blocked} are blocked by someone.

${table([ref, ...rows], ref)}

CPU per request (from /proc over each measurement; PostgreSQL's share counts the whole cluster, other users' queries included):

${bench.cpuTable()}

Direct SQL reference: the one statement the server runs per page (\`HOME_PAGE_SQL\` in server/src/features/feed/queries.ts:
the skeleton choosing the page's posts, wrapped by the hydrate stage of server/src/features/posts/page.ts joining authors and
the viewer's likes), same text and parameters, the same ${viewers.length} viewers, 10 clients like the server's pool; the
skeleton alone for comparison:

| case | tps | p50 ms | p99 ms | failed |
|---|---:|---:|---:|---:|
${[sql1, sql1x, sql20, skeleton1].map((r) => `| ${r.name} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.errors} |`).join('\n')}

(\`${sql1.command}\`, one script per viewer; page ${DEEP}'s cursor time is inlined as a literal since pgbench
variables hold only numbers.)

| target (issue 3) | measured | |
|---|---|---|
| home feed ≥ 1,500 req/s | ${page1.reqPerSec} req/s | ${check(page1.reqPerSec >= 1500)} |
| home feed p99 ≤ 50 ms | ${page1.p99} ms | ${check(page1.p99 <= 50)} |
| page ${DEEP} within 1.3× of page 1 | page ${DEEP}: ${page20.reqPerSec} req/s, p99 ${page20.p99} ms (${(page1.reqPerSec / Math.max(1, page20.reqPerSec)).toFixed(2)}× the time of page 1) | ${check(page1.reqPerSec / Math.max(1, page20.reqPerSec) <= 1.3)} |
| feed ≥ 50% of the direct SQL | ${pct(page1.reqPerSec, sql1.reqPerSec)} of pgbench page 1 | ${check(page1.reqPerSec >= 0.5 * sql1.reqPerSec)} |

Where the time goes and what to change: [feed-analysis.md](feed-analysis.md).

Heavy followers' page 1: ${heavyPage1.reqPerSec} req/s, p99 ${heavyPage1.p99} ms. The signed-in no-op (GET /users/me) runs at ${me.reqPerSec} req/s: the feed's ceiling in this server before any feed work; with the rate limiter off the feed runs at ${noLimiter.reqPerSec} req/s (p99 ${noLimiter.p99} ms). Like + unlike counts both requests. Peak RSS of the server over the whole run: ${serverRss} MiB.
${profileDir ? `\nCPU profile written to ${profileDir}.\n` : ''}`
console.log('\n' + report)
writeFileSync(out, report)
