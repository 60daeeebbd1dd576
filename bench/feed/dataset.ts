// The feed benchmark's dataset: a dedicated PostgreSQL database seeded by server/src/seed, reused
// by later runs when it was seeded with the same parameters by the same generator and migrations
// (a fingerprint kept as the database's COMMENT).
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import pg from 'pg'
import { createPostgresDatabase } from '../../server/src/platform/db/postgres.js'
import { describeDataset, type DatasetShape } from '../../server/src/seed/describe.js'
import { defaultCounts, SEED_PASSWORD, seedDatabase } from '../../server/src/seed/seed.js'
import { benchDatabase, PG_ADMIN_URL } from '../lib.js'

const NAME = 'hearth_bench_feed'
const RANDOM_SEED = 0.42

function fingerprint(users: number): string {
  const counts = defaultCounts(users)
  const hash = createHash('sha256')
  for (const f of ['steps.ts', 'seed.ts', 'content.ts']) hash.update(readFileSync(new URL(`../../server/src/seed/${f}`, import.meta.url)))
  hash.update(
    readdirSync(new URL('../../server/src/db/migrations', import.meta.url))
      .sort()
      .join(','),
  )
  return JSON.stringify({ ...counts, randomSeed: RANDOM_SEED, generator: hash.digest('hex').slice(0, 16) })
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

export interface Dataset {
  url: string
  password: string
  reused: boolean
  seedSeconds?: number
  shape: DatasetShape
}

export async function ensureDataset(users: number, log: (line: string) => void): Promise<Dataset> {
  const want = fingerprint(users)
  const have = await admin(async (c) => {
    const r = await c.query<{ d: string | null }>(`SELECT shobj_description(oid, 'pg_database') AS d FROM pg_database WHERE datname = $1`, [
      NAME,
    ])
    return r.rows[0]?.d ?? null
  })
  const reused = have === want
  const url = await benchDatabase(NAME, !reused)
  const database = createPostgresDatabase(url, { poolSize: 2 })
  try {
    let seedSeconds: number | undefined
    if (!reused) {
      log(`Seeding ${NAME} (${want}); later runs reuse it.`)
      await database.migrate()
      const result = await seedDatabase(database, { ...defaultCounts(users), password: SEED_PASSWORD, randomSeed: RANDOM_SEED }, log)
      seedSeconds = result.seconds
      await admin((c) => c.query(`COMMENT ON DATABASE ${NAME} IS ${pg.escapeLiteral(want)}`))
    } else {
      log(`Reusing ${NAME}, seeded earlier with ${want}.`)
    }
    return { url, password: SEED_PASSWORD, reused, seedSeconds, shape: await describeDataset(database.db) }
  } finally {
    await database.close()
  }
}
