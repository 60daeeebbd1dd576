// Where the home feed's two plans cross: the published statement forced to each plan ($4, the
// minimum following count for the window plan, set to 0 or out of reach), for viewers grouped by
// how many accounts they follow. Backs WINDOW_MIN_FOLLOWING in server/src/features/feed/queries.ts.
//   node --import tsx bench/feed/threshold.ts      (needs the dataset `npm run bench` seeds)
import pg from 'pg'
import { HOME_FEED_SQL, homeFeedParams } from '../../server/src/features/feed/index.js'
import { boundBefore } from '../../server/src/lib/keyset.js'
import { benchDatabase } from '../lib.js'
import { pgbench } from './pgbench.js'

const seconds = Number(process.env.BENCH_DURATION ?? 5)
const url = await benchDatabase('hearth_bench_feed', false)
const client = new pg.Client({ connectionString: url })
await client.connect()
const buckets = [
  [5, 25],
  [25, 50],
  [50, 100],
  [100, 200],
  [200, 400],
  [400, 800],
  [800, 100_000],
] as const
console.log(`| following | viewers | window plan tps (p99 ms) | per-author plan tps (p99 ms) |\n|---|---:|---:|---:|`)
for (const [lo, hi] of buckets) {
  const ids = (
    await client.query<{ id: number }>(
      `SELECT id FROM users WHERE NOT is_blocked AND following_count >= $1 AND following_count < $2 ORDER BY md5(id::text) LIMIT 10`,
      [lo, hi],
    )
  ).rows.map((r) => r.id)
  if (ids.length === 0) continue
  const forced = (minFollowing: number) =>
    pgbench(
      url,
      {
        name: `min ${minFollowing}`,
        text: HOME_FEED_SQL,
        params: ids.map((v) => {
          const p: unknown[] = [...homeFeedParams(v, boundBefore(undefined), 20)]
          p[3] = minFollowing
          return p
        }),
      },
      { seconds },
    )
  const window = forced(0)
  const perAuthor = forced(1_000_000)
  console.log(`| ${lo}–${hi} | ${ids.length} | ${window.reqPerSec} (${window.p99}) | ${perAuthor.reqPerSec} (${perAuthor.p99}) |`)
}
await client.end()
