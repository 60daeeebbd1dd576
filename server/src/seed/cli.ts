// `npm run seed -- --users N [--posts P --likes L --comments C --database-url URL --password X --seed S]`
// Seeds DATABASE_URL (or --database-url), or the embedded PGlite under DATA_DIR when neither is
// set (works, slowly). Runs the migrations first; appends to whatever the database holds.
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { createDatabase } from '../platform/db/index.js'
import { exitOnStartupError } from '../startup.js'
import { describeDataset, formatShape } from './describe.js'
import { defaultCounts, SEED_PASSWORD, seedDatabase } from './seed.js'

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    posts: { type: 'string' },
    likes: { type: 'string' },
    comments: { type: 'string' },
    'database-url': { type: 'string' },
    password: { type: 'string', default: SEED_PASSWORD },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})

if (values.help) {
  console.log(`npm run seed -- --users N [--posts P] [--likes L] [--comments C] [--database-url URL] [--password X] [--seed S]
Defaults: 10000 users, and per user 30 posts, 100 likes, 20 comments. Every seeded user signs in
with the password (default "${SEED_PASSWORD}"). --seed (a number in [-1, 1]) makes runs repeatable.`)
  process.exit(0)
}

function count(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw.replace(/_/g, ''))) {
    console.error(`--${name} must be a whole number, got "${raw}"`)
    process.exit(64)
  }
  return Number(raw.replace(/_/g, ''))
}

const users = count('users', values.users, 10_000)
const defaults = defaultCounts(users)
const counts = {
  users,
  posts: count('posts', values.posts, defaults.posts),
  likes: count('likes', values.likes, defaults.likes),
  comments: count('comments', values.comments, defaults.comments),
}
const randomSeed = values.seed === undefined ? undefined : Number(values.seed)
if (randomSeed !== undefined && !(randomSeed >= -1 && randomSeed <= 1)) {
  console.error('--seed must be a number between -1 and 1')
  process.exit(64)
}

const config = (() => {
  try {
    return loadConfig({ ...process.env, ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}) })
  } catch (e) {
    return exitOnStartupError(e)
  }
})()
const database = await createDatabase(config).catch(exitOnStartupError)
try {
  await database.migrate()
  console.log(
    `Seeding ${database.kind === 'postgres' ? 'PostgreSQL' : `the embedded PGlite under ${config.dataDir}`}: ` +
      `${counts.users} users, ${counts.posts} posts, ${counts.likes} likes, ${counts.comments} comments`,
  )
  const result = await seedDatabase(database, { ...counts, password: values.password, randomSeed }, console.log)
  console.log(
    `Done in ${result.seconds.toFixed(1)} s. Wrote ${Object.entries(result.written)
      .map(([k, v]) => `${v} ${k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}`)
      .join(', ')}.`,
  )
  console.log(formatShape(await describeDataset(database.db)))
  console.log(`Sign in as any seeded user (e.g. the username of id ${result.firstUserId}) with the password "${values.password}".`)
} finally {
  await database.close()
}
