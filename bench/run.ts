// `npm run bench`: the feed benchmark (bench/feed.ts) then the discovery benchmark
// (bench/discovery.ts: tag pages, search, the home feed with followed tags) on the same dataset;
// `-- --discovery` runs the discovery one alone, `-- --auth` adds the auth benchmark
// (bench/auth.ts), `-- --only-auth` runs it alone. Each runs in its own process so one
// benchmark's servers and memory never weigh on the next.
import { spawnSync } from 'node:child_process'

const args = new Set(process.argv.slice(2))
const known = new Set(['--auth', '--only-auth', '--discovery'])
for (const a of args) {
  if (!known.has(a)) {
    console.error(`unknown option ${a}; use --discovery (discovery only), --auth (feed, discovery, then auth) or --only-auth`)
    process.exit(64)
  }
}
const suites = args.has('--only-auth')
  ? ['bench/auth.ts']
  : args.has('--discovery')
    ? ['bench/discovery.ts']
    : ['bench/feed.ts', 'bench/discovery.ts', ...(args.has('--auth') ? ['bench/auth.ts'] : [])]
for (const script of suites) {
  console.log(`\n$ node --import tsx ${script}`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
