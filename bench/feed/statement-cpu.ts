// PostgreSQL CPU per execution of the feed's page statements, on the dataset `npm run bench` seeds,
// for this checkout and, to compare, for other checkouts of the code (git worktrees of other
// commits) run against the same dataset. CPU time is read from /proc for the one backend running
// the statements, so it counts the database's work only and is far less disturbed by other
// processes on shared cores than req/s or wall time. Each statement runs as a named prepared
// statement on one connection, as the server runs it (generic plan after 5 executions), rotating
// through the benchmark's viewers (bench/feed/viewers.ts); checkouts alternate their order every
// round, and the medians of the rounds are printed.
//   node --import tsx bench/feed/statement-cpu.ts [label=path/to/checkout ...]
//   (no argument: this checkout alone; CALLS per statement and round, default 1500; ROUNDS, default 5)
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { benchDatabase } from '../lib.js'
import { pickViewers } from './viewers.js'

const here = resolve(fileURLToPath(import.meta.url), '../../..')
const args = process.argv.slice(2)
const checkouts = (args.length > 0 ? args : [`this=${here}`]).map((a) => {
  const [label, dir] = a.split('=')
  if (!label || !dir) throw new Error(`expected label=path/to/checkout, got "${a}"`)
  return { label, dir: resolve(dir) }
})
const CALLS = Number(process.env.CALLS ?? 1500)
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const PAGE = 20

interface FeedModule {
  HOME_PAGE_SQL: string
  HOME_FEED_SQL: string
  EXPLORE_PAGE_SQL: string
  homeFeedParams: (viewer: number, before: unknown, limit: number) => readonly unknown[]
  exploreParams: (before: unknown, limit: number, viewer?: number | null) => readonly unknown[]
}
const versions = await Promise.all(
  checkouts.map(async (c) => ({
    ...c,
    feed: (await import(`${c.dir}/server/src/features/feed/index.ts`)) as FeedModule,
    keyset: (await import(`${c.dir}/server/src/lib/keyset.ts`)) as { boundBefore: (k: undefined) => unknown },
  })),
)

const url = await benchDatabase('hearth_bench_feed', false)
const admin = new pg.Client({ connectionString: url })
await admin.connect()
const { typical, heavy } = await pickViewers(admin, { count: 50, page: PAGE, deep: 20 })
await admin.end()
if (typical.length === 0) throw new Error('no viewers: seed the dataset first (npm run bench)')

type Case = [name: string, statement: (f: FeedModule) => string, params: (f: FeedModule, first: unknown) => (readonly unknown[])[]]
const cases: Case[] = [
  ['home feed page 1', (f) => f.HOME_PAGE_SQL, (f, first) => typical.map((v) => f.homeFeedParams(v.id, first, PAGE))],
  [
    'home feed page 1, top 10 following counts',
    (f) => f.HOME_PAGE_SQL,
    (f, first) => heavy.map((v) => f.homeFeedParams(v.id, first, PAGE)),
  ],
  ['its skeleton alone (HOME_FEED_SQL)', (f) => f.HOME_FEED_SQL, (f, first) => typical.map((v) => f.homeFeedParams(v.id, first, PAGE))],
  ['explore page 1', (f) => f.EXPLORE_PAGE_SQL, (f, first) => typical.map((v) => f.exploreParams(first, PAGE, v.id))],
  ['explore page 1, anonymous', (f) => f.EXPLORE_PAGE_SQL, (f, first) => typical.map(() => f.exploreParams(first, PAGE, null))],
]

/** user + system CPU of a process, in seconds (clock ticks of 10 ms) */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}

const micros = new Map<string, number[]>()
for (let round = 0; round < ROUNDS; round++) {
  for (const v of round % 2 === 0 ? versions : [...versions].reverse()) {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const pid = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid)
    const first = v.keyset.boundBefore(undefined)
    for (const [name, statement, params] of cases) {
      const text = statement(v.feed)
      const values = params(v.feed, first)
      const run = (i: number) => client.query({ name: name.replace(/\W+/g, '_'), text, values: [...values[i % values.length]!] })
      for (let i = 0; i < 20; i++) await run(i)
      const before = cpuSeconds(pid)
      for (let i = 0; i < CALLS; i++) await run(i)
      const key = `${name}\n${v.label}`
      micros.set(key, [...(micros.get(key) ?? []), ((cpuSeconds(pid) - before) / CALLS) * 1e6])
    }
    await client.end()
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const base = versions[0]!.label
console.log(`PostgreSQL CPU per execution, µs (median of ${ROUNDS} rounds of ${CALLS}; ${typical.length} viewers, ${heavy.length} heavy)\n`)
console.log(`| statement | ${versions.map((v) => v.label).join(' | ')} |${versions.length > 1 ? ` vs ${base} |` : ''}`)
console.log(`|---|${versions.map(() => '---:').join('|')}|${versions.length > 1 ? '---|' : ''}`)
for (const [name] of cases) {
  const m = versions.map((v) => median(micros.get(`${name}\n${v.label}`)!))
  const vs = m
    .slice(1)
    .map((x, i) => `${versions[i + 1]!.label} ${(x / m[0]!).toFixed(2)}×`)
    .join(', ')
  console.log(`| ${name} | ${m.map((x) => Math.round(x)).join(' | ')} |${versions.length > 1 ? ` ${vs} |` : ''}`)
}
