// Issue 14's discovery benchmark, on the feed benchmark's seeded dataset (captions with hashtags
// and mentions): a tag's page, post search (one word, two words, a word in ~30% of captions) and
// the home feed with ~5 followed tags per viewer beside the same viewers' feed without them, each
// beside its own SQL run directly by pgbench in the same run.
//   npm run bench -- --discovery       (or: node --import tsx bench/discovery.ts)
//   BENCH_DURATION (s per case, default 10), BENCH_USERS (default 10000), BENCH_WAIT_MINUTES
import { writeFileSync } from 'node:fs'
import pg from 'pg'
import { HOME_PAGE_SQL, homeFeedParams } from '../server/src/features/feed/index.js'
import { FIRST_SCORE, POST_SEARCH_SQL, SEARCH_WINDOW } from '../server/src/features/search/index.js'
import { tagPostsStatement } from '../server/src/features/tags/index.js'
import { boundBefore } from '../server/src/lib/keyset.js'
import { ensureDataset } from './feed/dataset.js'
import { pgbench } from './feed/pgbench.js'
import { BenchServer, benchServerEnv, formatLoad, inBatches, rotating, waitForQuietMachine } from './feed/server-run.js'
import { pickViewers } from './feed/viewers.js'
import { machine, table } from './lib.js'

const duration = Number(process.env.BENCH_DURATION ?? 10)
const users = Number(process.env.BENCH_USERS ?? 10_000)
const waitMinutes = Number(process.env.BENCH_WAIT_MINUTES ?? 20)
const out = process.env.BENCH_OUT ?? 'bench/results/discovery.md'
const PAGE = 20
const FOLLOWED_TAGS = 5
const log = (line: string) => console.log(line)

const dataset = await ensureDataset(users, log)
const sqlClient = new pg.Client({ connectionString: dataset.url })
await sqlClient.connect()
const q = async <T>(text: string, params: unknown[] = []) => (await sqlClient.query(text, params)).rows as T[]

// ---- what to ask for, read off the dataset ----
const tags = await q<{ name: string; posts: number }>(`SELECT name, post_count AS posts FROM hashtags ORDER BY post_count DESC, name`)
const popularTag = tags[0]!
const middleTag = tags[Math.floor(tags.length / 2)]!
const total = (await q<{ n: number }>(`SELECT count(*)::int AS n FROM posts WHERE NOT is_deleted`))[0]!.n
// Each word's share of live captions (as search sees words: the same folding), from a sample.
const words = await q<{ word: string; share: number }>(
  `SELECT word, count(DISTINCT id)::float / (SELECT count(*) FROM posts TABLESAMPLE SYSTEM (10) REPEATABLE (1) WHERE NOT is_deleted) AS share
   FROM (SELECT p.id, w AS word FROM posts p TABLESAMPLE SYSTEM (10) REPEATABLE (1),
           regexp_split_to_table(lower(p.content), '[^[:alpha:]]+') w WHERE NOT p.is_deleted AND length(w) > 3) x
   GROUP BY word ORDER BY share DESC`,
)
const closest = (share: number) => words.reduce((a, b) => (Math.abs(b.share - share) < Math.abs(a.share - share) ? b : a))
const common = closest(0.3)
const oneWord = closest(0.03)
const twoWords = `${closest(0.05).word} ${closest(0.08).word}`
const bound = (await q<{ id: number }>(`SELECT max(id) AS id FROM posts`))[0]!.id

const picked = await pickViewers(sqlClient, { count: 50, page: PAGE, deep: 1 })
const loadAtStart = await waitForQuietMachine(waitMinutes, log)
log(loadAtStart)

const bench = await BenchServer.start(benchServerEnv(dataset.url, '/tmp/hearth-bench-discovery'), { duration, log })
const viewers = await inBatches(picked.typical, 8, async (v) => ({ ...v, token: await bench.signIn(v.username, dataset.password) }))
const path = (p: string) => `/api/hearth/v1${p}`
const each = (make: (v: (typeof viewers)[number]) => string) => [rotating(viewers, (v) => ({ path: path(make(v)), token: v.token }))]

const tagPopular = await bench.measure(
  `tag page 1, #${popularTag.name} (${popularTag.posts} posts)`,
  each(() => `/tags/${encodeURIComponent(popularTag.name)}/posts`),
)
const tagMiddle = await bench.measure(
  `tag page 1, #${middleTag.name} (${middleTag.posts} posts)`,
  each(() => `/tags/${encodeURIComponent(middleTag.name)}/posts`),
)
const searchCases = [
  { label: `one word "${oneWord.word}" (${pct(oneWord.share)} of captions)`, text: oneWord.word },
  { label: `two words "${twoWords}"`, text: twoWords },
  { label: `a common word "${common.word}" (${pct(common.share)} of captions)`, text: common.word },
]
const searched = []
for (const c of searchCases) {
  searched.push(
    await bench.measure(
      `search posts, ${c.label}`,
      each(() => `/search?type=posts&q=${encodeURIComponent(c.text)}`),
    ),
  )
}

// The home feed without followed tags, then with FOLLOWED_TAGS of the 30 most used tags per viewer.
const homeBefore = await bench.measure(
  'home feed, page 1, no followed tags',
  each(() => '/feed'),
)
const followed = new Map(
  viewers.map((v, i) => [v.id, Array.from({ length: FOLLOWED_TAGS }, (_, k) => tags[(i * 7 + k * 5) % Math.min(30, tags.length)]!.name)]),
)
await inBatches(viewers, 8, async (v) => {
  for (const name of followed.get(v.id)!) await bench.api(path(`/tags/${encodeURIComponent(name)}/follow`), v.token, 'PUT')
})
const homeTags = await bench.measure(
  `home feed, page 1, ${FOLLOWED_TAGS} followed tags each`,
  each(() => '/feed'),
)

// ---- direct SQL references (the server's statements, same parameters) ----
const first = boundBefore(undefined)
const sqlRows = [
  pgbench(
    dataset.url,
    {
      name: `tag page SQL, #${popularTag.name}`,
      text: tagPostsStatement(),
      params: viewers.map((v) => [popularTag.name, first.at, first.id, PAGE + 1, v.id]),
    },
    { seconds: duration },
  ),
  ...searchCases.map((c) =>
    pgbench(
      dataset.url,
      {
        name: `search SQL, ${c.label}`,
        text: POST_SEARCH_SQL,
        params: viewers.map((v) => [c.text, v.id, bound, FIRST_SCORE, first.at, first.id, PAGE + 1, SEARCH_WINDOW]),
      },
      // the server runs it unnamed, planned with each call's words
      { seconds: duration, mode: 'extended' },
    ),
  ),
  pgbench(
    dataset.url,
    {
      name: `home feed page SQL, ${FOLLOWED_TAGS} followed tags`,
      text: HOME_PAGE_SQL,
      params: viewers.map((v) => homeFeedParams(v.id, first, PAGE)),
    },
    { seconds: duration },
  ),
]
// leave the dataset as it was
await inBatches(viewers, 8, async (v) => {
  for (const name of followed.get(v.id)!) await bench.api(path(`/tags/${encodeURIComponent(name)}/follow`), v.token, 'DELETE')
})
await bench.stop()
await sqlClient.end()

// ---- report ----
function pct(share: number) {
  return `${Math.round(share * 100)}%`
}
const check = (ok: boolean) => (ok ? 'met' : '**missed**')
const worstSearch = searched.reduce((a, b) => (b.p99 > a.p99 ? b : a))
const report = `# Discovery benchmark

Command: \`npm run bench -- --discovery\` (BENCH_DURATION=${duration}: autocannon, 50 connections, ${duration} s per case after a 2 s warm-up).
Machine: ${machine()}; ${loadAtStart}, ${formatLoad()} at the end. Server as in [feed.md](feed.md): one Node process,
PostgreSQL 15 (pool of 10) + Redis, NODE_ENV=production; client, server and database share the 2 cores.

Dataset: the feed benchmark's (\`npm run seed -- --users ${users}\`), ${total} live posts, ${tags.length} tags
(#${popularTag.name} on ${popularTag.posts} posts, the median tag #${middleTag.name} on ${middleTag.posts}). Search words were read
off a 10% sample of captions. ${viewers.length} signed-in viewers spread over following counts (as in the feed benchmark).

${table(bench.rows)}

CPU per request:

${bench.cpuTable()}

Direct SQL (pgbench, 10 clients, the server's statement text and parameters; search unprepared as the server runs it):

| case | tps | p50 ms | p99 ms | failed |
|---|---:|---:|---:|---:|
${sqlRows.map((r) => `| ${r.name} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.errors} |`).join('\n')}

| target (issue 14) | measured | |
|---|---|---|
| tag page 1 ≥ 1,500 req/s, p99 ≤ 50 ms | #${popularTag.name}: ${tagPopular.reqPerSec} req/s, p99 ${tagPopular.p99} ms; #${middleTag.name}: ${tagMiddle.reqPerSec} req/s, p99 ${tagMiddle.p99} ms | ${check(Math.min(tagPopular.reqPerSec, tagMiddle.reqPerSec) >= 1500 && Math.max(tagPopular.p99, tagMiddle.p99) <= 50)} |
| post search p99 ≤ 100 ms (one word, two words, a word in ~30%) | worst: ${worstSearch.name}, p99 ${worstSearch.p99} ms | ${check(worstSearch.p99 <= 100)} |
| home feed with ~${FOLLOWED_TAGS} followed tags within 10% of without | ${homeTags.reqPerSec} vs ${homeBefore.reqPerSec} req/s (${Math.round((100 * homeTags.reqPerSec) / homeBefore.reqPerSec)}%), p99 ${homeTags.p99} vs ${homeBefore.p99} ms | ${check(homeTags.reqPerSec >= 0.9 * homeBefore.reqPerSec)} |
`
console.log('\n' + report)
writeFileSync(out, report)
