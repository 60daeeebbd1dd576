// Who the feed benchmark reads as (bench/feed.ts), and the statement measurements that replay its
// statements (bench/feed/statement-cpu.ts): the same viewers in both.
import type pg from 'pg'

export interface PickedViewer {
  id: number
  username: string
  following: number
}

/**
 * Viewers spread over the whole distribution of following counts (one at each odd percentile, up
 * to `count`), among users whose home feed reaches page `deep` of `page` posts (accounts they mute
 * left out, as the feed leaves them out); and, apart, the 10 users who follow the most accounts.
 * Viewers are whoever falls there: some are private, mute or block someone, as in the seeded
 * population.
 */
export async function pickViewers(
  client: pg.Client,
  opts: { count: number; page: number; deep: number },
): Promise<{ typical: PickedViewer[]; heavy: PickedViewer[] }> {
  const eligible = `WITH feed_size AS (
      SELECT u.id, u.username, u.following_count AS following,
        u.posts_count + coalesce((SELECT sum(a.posts_count) FROM follows f JOIN users a ON a.id = f.following_id WHERE f.follower_id = u.id
          AND NOT EXISTS (SELECT 1 FROM user_mutes m WHERE m.muter_id = u.id AND m.muted_id = a.id)), 0) AS posts
      FROM users u WHERE NOT u.is_blocked)
    SELECT id, username, following, ntile(100) OVER (ORDER BY following, id) AS pct FROM feed_size WHERE posts > $1::int`
  const typical = await client.query<PickedViewer>(
    `SELECT DISTINCT ON (pct) id, username, following FROM (${eligible}) e WHERE pct % 2 = 1 ORDER BY pct, md5(id::text)`,
    [opts.page * opts.deep + 10],
  )
  const heavy = await client.query<PickedViewer>(
    `SELECT id, username, following_count AS following FROM users WHERE NOT is_blocked ORDER BY following_count DESC, id LIMIT 10`,
  )
  return { typical: typical.rows.slice(0, opts.count), heavy: heavy.rows }
}
