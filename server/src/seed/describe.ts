// A few numbers that show the shape of a seeded database (printed by the seed, quoted by the
// benchmark's results), computed from the rows.
import { sql } from 'drizzle-orm'
import type { Db } from '../platform/db/index.js'
import { queryRows } from '../platform/db/rows.js'

export interface DatasetShape {
  users: number
  follows: number
  posts: number
  likes: number
  comments: number
  blocks: number
  mutes: number
  /** people who block, people who mute, at least one account each */
  blockers: number
  muters: number
  privateAccounts: number
  followers: { p50: number; p90: number; p99: number; max: number }
  following: { p50: number; p90: number; p99: number; max: number }
  postsPerUser: { p50: number; p99: number; max: number }
  likesPerPost: { p50: number; p99: number; max: number }
  commentsPerPost: { p99: number; max: number }
  postsWithPhotos: number
  days: number
}

const pct = (column: string, table: string) => `json_build_object(
  'p50', percentile_disc(0.5) WITHIN GROUP (ORDER BY ${column}),
  'p90', percentile_disc(0.9) WITHIN GROUP (ORDER BY ${column}),
  'p99', percentile_disc(0.99) WITHIN GROUP (ORDER BY ${column}),
  'max', max(${column})) FROM ${table}`

export async function describeDataset(db: Db): Promise<DatasetShape> {
  const q = `SELECT
  (SELECT count(*) FROM users)::int AS users,
  (SELECT count(*) FROM follows)::int AS follows,
  (SELECT count(*) FROM posts)::int AS posts,
  (SELECT count(*) FROM likes)::int AS likes,
  (SELECT count(*) FROM comments)::int AS comments,
  (SELECT count(*) FROM user_blocks)::int AS blocks,
  (SELECT count(*) FROM user_mutes)::int AS mutes,
  (SELECT count(DISTINCT blocker_id) FROM user_blocks)::int AS blockers,
  (SELECT count(DISTINCT muter_id) FROM user_mutes)::int AS muters,
  (SELECT count(*) FROM users WHERE is_private)::int AS "privateAccounts",
  (SELECT ${pct('followers_count', 'users')}) AS followers,
  (SELECT ${pct('following_count', 'users')}) AS following,
  (SELECT ${pct('posts_count', 'users')}) AS "postsPerUser",
  (SELECT ${pct('like_count', 'posts')}) AS "likesPerPost",
  (SELECT ${pct('comment_count', 'posts')}) AS "commentsPerPost",
  (SELECT round(avg((image_urls IS NOT NULL)::int), 3)::float8 FROM posts) AS "postsWithPhotos",
  (SELECT coalesce(extract(day FROM max(created_at) - min(created_at)), 0)::int FROM posts) AS days`
  const rows = await queryRows<Record<string, unknown>>(db, sql.raw(q))
  const row = rows[0]!
  const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v)
  return {
    ...(row as object),
    followers: json(row.followers),
    following: json(row.following),
    postsPerUser: json(row.postsPerUser),
    likesPerPost: json(row.likesPerPost),
    commentsPerPost: json(row.commentsPerPost),
  } as DatasetShape
}

export function formatShape(s: DatasetShape): string {
  const d = (x: { p50?: number; p90?: number; p99?: number; max: number }) =>
    [x.p50 !== undefined && `median ${x.p50}`, x.p90 !== undefined && `p90 ${x.p90}`, x.p99 !== undefined && `p99 ${x.p99}`, `max ${x.max}`]
      .filter(Boolean)
      .join(', ')
  return [
    `${s.users} users, ${s.follows} follows, ${s.posts} posts over ${s.days} days (${Math.round(s.postsWithPhotos * 100)}% with photos), ${s.likes} likes, ${s.comments} comments`,
    `followers per user: ${d(s.followers)}`,
    `following per user: ${d(s.following)}`,
    `posts per user: ${d(s.postsPerUser)}`,
    `likes per post: ${d(s.likesPerPost)}`,
    `comments per post: ${d(s.commentsPerPost)}`,
    `safety: ${s.blocks} blocks by ${s.blockers} users, ${s.mutes} mutes by ${s.muters} users, ${s.privateAccounts} private accounts (${Math.round((100 * s.privateAccounts) / Math.max(1, s.users))}%)`,
  ].join('\n')
}
