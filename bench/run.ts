// `npm run bench`: the feed benchmark (bench/feed.ts); `npm run bench -- --auth` runs the auth
// benchmark (bench/auth.ts) after it, `-- --only-auth` alone. Each runs in its own process so one
// benchmark's servers and memory never weigh on the next.
import { spawnSync } from 'node:child_process'

const args = new Set(process.argv.slice(2))
const known = new Set(['--auth', '--only-auth'])
for (const a of args) {
  if (!known.has(a)) {
    console.error(`unknown option ${a}; use --auth (feed, then auth) or --only-auth`)
    process.exit(64)
  }
}
const suites = args.has('--only-auth') ? ['bench/auth.ts'] : args.has('--auth') ? ['bench/feed.ts', 'bench/auth.ts'] : ['bench/feed.ts']
for (const script of suites) {
  console.log(`\n$ node --import tsx ${script}`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
