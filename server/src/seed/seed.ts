// Fills a database with a realistic social graph, fast: one transaction of set-based statements
// (./steps.ts). On a fresh database the secondary indexes of the big tables are dropped first and
// rebuilt at the end (one sort per index instead of a billion index insertions), and foreign-key
// triggers are skipped when the role may do so: the generator only writes ids it has created.
// Being one transaction, a failed or interrupted seed leaves the database as it was.
import { sql } from 'drizzle-orm'
import { hashPassword } from '../features/auth/index.js'
import type { Database, DbOrTx } from '../platform/db/index.js'
import { queryRows } from '../platform/db/rows.js'
import * as step from './steps.js'

/** what seeded users sign in with unless --password says otherwise */
export const SEED_PASSWORD = 'hearth-seed-password'

export interface SeedOptions extends step.Counts {
  /** every seeded user signs in with this password */
  password: string
  /** makes the run repeatable (setseed); any number in [-1, 1] */
  randomSeed?: number
}

export interface SeedResult {
  /** rows written (likes and comments may fall a little short of the request, see steps.ts) */
  written: step.Counts & { follows: number; blocks: number; mutes: number; privateAccounts: number }
  firstUserId: number
  seconds: number
  steps: { name: string; ms: number }[]
}

const BIG_TABLES = ['follows', 'posts', 'likes', 'comments'] as const

type Exec = (text: string) => Promise<Record<string, unknown>[]>

function executor(db: DbOrTx): Exec {
  return (text) => queryRows<Record<string, unknown>>(db, sql.raw(text))
}

export function defaultCounts(users: number): step.Counts {
  return { users, posts: users * 30, likes: users * 100, comments: users * 20 }
}

export async function seedDatabase(database: Database, opts: SeedOptions, log: (line: string) => void = () => {}): Promise<SeedResult> {
  if (!Number.isInteger(opts.users) || opts.users < 10) throw new Error('users must be a whole number ≥ 10')
  for (const k of ['posts', 'likes', 'comments'] as const) {
    if (!Number.isInteger(opts[k]) || opts[k] < 0) throw new Error(`${k} must be a whole number ≥ 0`)
  }
  const started = performance.now()
  const steps: SeedResult['steps'] = []
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now()
    const out = await fn()
    const ms = Math.round(performance.now() - t0)
    steps.push({ name, ms })
    log(`  ${name.padEnd(34)} ${(ms / 1000).toFixed(1).padStart(6)} s`)
    return out
  }

  // One hash for everyone: argon2id is deliberately slow (tens of ms), a million of them is not.
  const passwordHash = await timed('password hash (argon2id, once)', () => hashPassword(opts.password))

  const result = await database.db.transaction(async (tx) => {
    const exec = executor(tx)
    const one = async (text: string) => Number(Object.values((await exec(text))[0] ?? {})[0] ?? 0)

    await exec(`SET LOCAL work_mem = '${database.kind === 'pglite' ? '64MB' : '256MB'}'`)
    await exec(`SET LOCAL maintenance_work_mem = '${database.kind === 'pglite' ? '64MB' : '512MB'}'`)
    if (await one(`SELECT rolsuper::int FROM pg_roles WHERE rolname = current_user`)) {
      await exec(`SET LOCAL session_replication_role = replica`)
    }
    if (opts.randomSeed !== undefined) await exec(`SELECT setseed(${Number(opts.randomSeed)})`)

    const bases: step.Bases = {
      user: await one(`SELECT coalesce(max(id), 0) FROM users`),
      post: await one(`SELECT coalesce(max(id), 0) FROM posts`),
      comment: await one(`SELECT coalesce(max(id), 0) FROM comments`),
    }

    const dropped = await timed('drop secondary indexes', () => dropIndexes(exec, opts))

    await timed('users (staging)', async () => {
      await exec(step.usersStaging(opts.users, bases.user))
      await exec(`CREATE INDEX ON s_users (pop_rank)`)
      await exec(`ANALYZE s_users`)
    })
    await timed('follows', () => exec(step.follows(opts.users)))
    await timed('posts (staging)', async () => {
      await exec(step.followerCounts(bases.user))
      await exec(step.postsStaging(opts.posts, bases.post))
      await exec(`ANALYZE s_posts`)
    })
    await timed('likes', async () => {
      await exec(step.likes(opts.likes, opts.users, bases.user))
      await exec(step.likeCounts(bases.post))
    })
    await timed('comments (staging)', async () => {
      const top = Math.round(opts.comments * 0.7)
      await exec(step.commentsStaging())
      await exec(step.topLevelComments(top, opts.users, bases.user))
      const topWritten = await one(`SELECT count(*) FROM s_comments`)
      await exec(`ANALYZE s_comments`)
      const firstReplies = Math.round(opts.comments * 0.25)
      if (topWritten > 0) {
        await exec(step.replies(firstReplies, 0, topWritten, topWritten, opts.users, bases.user))
        const written = await one(`SELECT count(*) FROM s_comments`)
        if (written > topWritten) {
          await exec(step.replies(opts.comments - top - firstReplies, topWritten, written - topWritten, written, opts.users, bases.user))
        }
      }
      await exec(step.commentIds(bases.comment))
    })
    await timed('users', () => exec(step.insertUsers(passwordHash)))
    await timed('posts (text, photos, counters)', () => exec(step.insertPosts(opts.users)))
    await timed('comments (text, counters)', () => exec(step.insertComments()))
    await timed('hashtags, trending use, mentions', async () => {
      await exec(step.postEntitiesStaging(bases.post))
      for (const statement of step.insertHashtags()) await exec(statement)
    })
    await timed('blocks, mutes, private accounts', async () => {
      await exec(step.safetyStaging(opts.users))
      await exec(step.insertBlocks())
      await exec(step.insertMutes())
      await exec(step.unfollowBlocked())
      await exec(step.unlikeBlocked())
      await exec(step.privateAccounts(bases.user))
    })
    await timed('rebuild indexes', async () => {
      for (const def of dropped) await exec(def)
    })
    for (const table of ['users', 'posts', 'comments'] as const) await exec(step.syncSequence(table))

    return {
      firstUserId: bases.user + 1,
      written: {
        users: await one(`SELECT count(*) FROM users WHERE id > ${bases.user}`),
        follows: await one(`SELECT count(*) FROM follows WHERE follower_id > ${bases.user}`),
        posts: await one(`SELECT count(*) FROM posts WHERE id > ${bases.post}`),
        likes: await one(`SELECT count(*) FROM likes WHERE post_id > ${bases.post}`),
        comments: await one(`SELECT count(*) FROM comments WHERE id > ${bases.comment}`),
        blocks: await one(`SELECT count(*) FROM user_blocks WHERE blocker_id > ${bases.user}`),
        mutes: await one(`SELECT count(*) FROM user_mutes WHERE muter_id > ${bases.user}`),
        privateAccounts: await one(`SELECT count(*) FROM users WHERE id > ${bases.user} AND is_private`),
      },
    }
  })

  // Outside the transaction (VACUUM cannot run in one): fresh statistics for the planner, and
  // the visibility map set so index-only scans (follows, likes) skip the heap from the start.
  await timed('vacuum analyze', async () => {
    for (const table of ['users', ...BIG_TABLES, 'user_blocks', 'user_mutes', 'hashtags', 'post_hashtags', 'hashtag_usage'])
      await database.db.execute(sql.raw(`VACUUM ANALYZE ${table}`))
  })

  return { ...result, seconds: Math.round(performance.now() - started) / 1000, steps }
}

/**
 * Drops the secondary indexes (not primary keys or constraints) of the tables that will at least
 * double, and returns the statements that recreate them exactly as the migrations made them.
 */
async function dropIndexes(exec: Exec, adding: step.Counts): Promise<string[]> {
  const growth: Record<(typeof BIG_TABLES)[number], number> = {
    follows: adding.users * step.FOLLOW_MEDIAN,
    posts: adding.posts,
    likes: adding.likes,
    comments: adding.comments,
  }
  const recreate: string[] = []
  for (const table of BIG_TABLES) {
    const [existing] = await exec(`SELECT count(*)::int AS n FROM ${table}`)
    if (Number(existing?.n) > growth[table]) continue
    const indexes = await exec(`SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = '${table}'::regclass AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`)
    for (const ix of indexes) {
      await exec(`DROP INDEX "${String(ix.name)}"`)
      recreate.push(String(ix.def))
    }
  }
  return recreate
}
