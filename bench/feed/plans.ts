// Whether PostgreSQL keeps a generic plan for each published page statement, and what a call costs.
// A prepared statement that gets a custom plan on every execution is planned afresh each time: for
// the page statements that was most of their database cost (see server/src/features/posts/page.ts).
//   node --import tsx bench/feed/plans.ts      (needs the dataset `npm run bench` seeds)
import pg from 'pg'
import { EXPLORE_PAGE_SQL, exploreParams, HOME_PAGE_SQL, homeFeedParams } from '../../server/src/features/feed/index.js'
import { boundBefore } from '../../server/src/lib/keyset.js'
import { POST_SQL, USER_POSTS_SQL } from '../../server/src/features/posts/index.js'
import { benchDatabase } from '../lib.js'

const CALLS = 300
const url = await benchDatabase('hearth_bench_feed', false)
const client = new pg.Client({ connectionString: url })
await client.connect()
const viewers = (
  await client.query<{ id: number }>(`SELECT id FROM users WHERE NOT is_blocked AND posts_count > 25 ORDER BY md5(id::text) LIMIT 20`)
).rows.map((r) => r.id)
const posts = (await client.query<{ id: number }>(`SELECT id FROM posts WHERE NOT is_deleted ORDER BY md5(id::text) LIMIT 20`)).rows.map(
  (r) => r.id,
)
const first = boundBefore(undefined)

const cases: [string, string, (i: number) => unknown[]][] = [
  ['home_feed_page', HOME_PAGE_SQL, (i) => [...homeFeedParams(viewers[i % 20]!, first, 20)]],
  ['explore_page', EXPLORE_PAGE_SQL, (i) => [...exploreParams(first, 20, viewers[i % 20])]],
  ['user_posts_page', USER_POSTS_SQL, (i) => [viewers[i % 20], first.at, first.id, 21, viewers[(i + 1) % 20]]],
  ['post_page', POST_SQL, (i) => [posts[i % 20], viewers[i % 20]]],
]
console.log('| statement | generic plans | custom plans | ms per call (one client, serial) |\n|---|---:|---:|---:|')
for (const [name, text, values] of cases) {
  const started = performance.now()
  for (let i = 0; i < CALLS; i++) await client.query({ name, text, values: values(i) })
  const ms = (performance.now() - started) / CALLS
  const [row] = (await client.query(`SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1`, [name])).rows
  console.log(`| ${name} | ${row.generic_plans} | ${row.custom_plans} | ${ms.toFixed(2)} |`)
}
await client.end()
