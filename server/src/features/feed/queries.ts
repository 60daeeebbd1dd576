// Feed skeletons: the ids of one page, newest first, keyset on (created_at, id), wrapped into
// one page statement each by the hydrate stage (posts/page.ts).
//
// The SQL is kept as plain text with numbered placeholders and run as a named prepared statement,
// so HOME_PAGE_SQL is byte for byte what the driver sends: the benchmark replays the same
// statement directly (pgbench -f, with the parameters in the order documented on each) to
// measure what the server adds on top of the database.
import type { Db } from '../../platform/db/index.js'
import type { TimeKey } from '../../lib/keyset.js'
import { runNamed } from '../../platform/db/named-statement.js'
import { postPageSql, runPostList, runPostPage } from '../posts/index.js'
import { followedTagPostsSql } from '../tags/index.js'
import { notBlockedEitherWaySql, notMutedSql } from '../visibility/index.js'

/**
 * Viewers following at least this many accounts try the recent-posts window first. Below it the
 * window rarely holds a page (a viewer following 75 of 10k accounts finds ~12 followed posts among
 * the newest 3,000) and the statement pays for both plans. Measured on the seeded 10k-user dataset
 * by bench/feed/threshold.ts (pgbench, prepared, 10 clients), window vs per author in tps: 1,040 vs
 * 4,053 at 50–100 followees, 1,183 vs 2,677 at 100–200, 2,072 vs 1,340 at 200–400, 2,844 vs 623 at
 * 400–800. The crossover grows roughly with the square root of the number of active authors.
 */
export const WINDOW_MIN_FOLLOWING = 300
/** How many of everyone's newest posts the window strategy looks through. */
export const WINDOW_SIZE = 3000

/**
 * Home feed: posts of the accounts the viewer follows and the viewer's own, in one statement
 * that picks between two plans by the viewer's following_count (one-time filters: the plan not
 * taken costs nothing).
 *
 * - "window" (viewers following ≥ $4 accounts): walk everyone's newest posts before the cursor on
 *   posts_explore_idx, at most $5 of them, keeping those by followed accounts (a hash of the
 *   followee ids built once). Its cost depends on how rare followed posts are, not on how many
 *   accounts are followed. If the window holds a full page it is exact: the window is a prefix of
 *   the same order.
 * - "per author" (everyone else, and the window's fallback when it did not fill a page): for each
 *   followed account, its newest posts before the cursor straight off posts_user_feed_idx
 *   (user_id, created_at DESC NULLS LAST, id DESC NULLS LAST WHERE NOT is_deleted), at most a
 *   page each, merged and cut to a page. Bounded by followees × page size at any depth, where
 *   `user_id IN (...)` would read and sort every older post of every followed account.
 *
 * Each strategy alone collapses for one kind of viewer, the two together for none: figures in
 * bench/results/design-measurements.md#home-feed-strategies.
 *
 * Followed tags (features/tags) add the newest posts of each tag the viewer follows, at most a page
 * per tag, by authors the viewer may see and has not muted; UNION keeps a post once when its
 * author is followed too (the same post has the same (id, created_at) in both branches). With no
 * followed tag the branch is one probe of tag_follows' primary key; with ~5 it reads ~5 × $6 index
 * entries of post_hashtags_tag_recent_idx plus an author probe each, small beside the per-author
 * branch's followees × $6.
 *
 * Muted accounts are left out of the followees here, so a page is never thinned by them. A block
 * ends follows both ways, so no followee is blocked. Suspended authors are dropped by the hydrate stage rather than here: checking each followed
 * account's standing costs one more index probe per followee on every page (measured in
 * bench/results/design-measurements.md#home-feed-strategies), for a
 * rare case whose only effect is a page shorter than `limit`. ORDER BYs say NULLS LAST to match
 * the indexes (a bare DESC is NULLS FIRST and makes PostgreSQL sort instead of reading in order).
 *
 * Parameters, in order: $1 viewer id, $2 cursor time (timestamptz text; 'infinity' on the first
 * page), $3 cursor id (2147483647 on the first page), $4 WINDOW_MIN_FOLLOWING, $5 WINDOW_SIZE,
 * $6 page size + 1.
 */
export const HOME_FEED_SQL = `WITH viewer AS (
  SELECT u.following_count AS following FROM users u WHERE u.id = $1
),
recent AS MATERIALIZED (
  SELECT r.id, r.created_at
  FROM (
    SELECT p.id, p.created_at, p.user_id
    FROM posts p
    WHERE NOT p.is_deleted AND (p.created_at, p.id) < ($2::timestamptz, $3::int)
      AND (SELECT v.following FROM viewer v) >= $4::int
    ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
    LIMIT $5
  ) r
  WHERE r.user_id = $1 OR r.user_id IN (SELECT f.following_id FROM follows f WHERE f.follower_id = $1 AND ${notMutedSql('$1', 'f.following_id')})
  ORDER BY r.created_at DESC NULLS LAST, r.id DESC NULLS LAST
  LIMIT $6
)
SELECT s.id, s.created_at
FROM (
  SELECT w.id, w.created_at FROM recent w
  WHERE (SELECT count(*) FROM recent) = $6
  UNION ALL
  SELECT m.id, m.created_at
  FROM (
    SELECT p.id, p.created_at
    FROM (
      SELECT f.following_id AS author_id FROM follows f WHERE f.follower_id = $1 AND ${notMutedSql('$1', 'f.following_id')}
      UNION ALL
      SELECT $1::int
    ) a
    CROSS JOIN LATERAL (
      SELECT p.id, p.created_at
      FROM posts p
      WHERE p.user_id = a.author_id AND NOT p.is_deleted AND (p.created_at, p.id) < ($2::timestamptz, $3::int)
      ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
      LIMIT $6
    ) p
    WHERE (SELECT count(*) FROM recent) < $6
    ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
    LIMIT $6
  ) m
  UNION
  ${followedTagPostsSql('$1', '$2', '$3', '$6')}
) s
ORDER BY s.created_at DESC NULLS LAST, s.id DESC NULLS LAST
LIMIT $6`

/**
 * Explore: recent posts of everyone (posts_explore_idx): public accounts only, authors not
 * suspended, not blocked either way and not muted by the viewer.
 * Parameters, in order: $1 cursor time, $2 cursor id, $3 page size + 1, $4 viewer id (NULL when anonymous).
 */
export const EXPLORE_SQL = `SELECT s.id, s.created_at
FROM (
  SELECT p.id, p.created_at
  FROM posts p JOIN users u ON u.id = p.user_id
  WHERE NOT p.is_deleted AND NOT u.is_blocked AND NOT u.is_private AND (p.created_at, p.id) < ($1::timestamptz, $2::int)
    AND ${notBlockedEitherWaySql('$4', 'p.user_id')} AND ${notMutedSql('$4', 'p.user_id')}
  ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
  LIMIT (SELECT $3::int)
) s
ORDER BY s.created_at DESC NULLS LAST, s.id DESC NULLS LAST`

/**
 * The statements the server runs: each skeleton wrapped by the hydrate stage (posts/page.ts), one
 * statement per page. Parameters as their skeleton's, plus the viewer id last for explore
 * (NULL when anonymous); the home feed's viewer is its $1.
 */
export const HOME_PAGE_SQL = postPageSql(HOME_FEED_SQL, '$1')
export const EXPLORE_PAGE_SQL = postPageSql(EXPLORE_SQL, '$4')

export const homeFeedParams = (viewerId: number, before: TimeKey, limit: number) =>
  [viewerId, before.at, before.id, WINDOW_MIN_FOLLOWING, WINDOW_SIZE, limit + 1] as const

export const exploreParams = (before: TimeKey, limit: number, viewerId: number | null = null) =>
  [before.at, before.id, limit + 1, viewerId] as const

export function homeFeedPage(db: Db, viewerId: number, before: TimeKey, limit: number) {
  return runPostPage(db, 'home_feed_page', HOME_PAGE_SQL, homeFeedParams(viewerId, before, limit), limit)
}

export function explorePage(db: Db, viewerId: number | undefined, before: TimeKey, limit: number) {
  return runPostPage(db, 'explore_page', EXPLORE_PAGE_SQL, exploreParams(before, limit, viewerId ?? null), limit)
}

// ---- explore, ranked (feed/ranking.ts) ----

/** How far back explore's ranking looks. */
export const RANK_WINDOW_DAYS = 7
/** At most this many of the window's newest posts are scored (bounds the scoring query at any size). */
export const RANK_CANDIDATES = 10_000
/** At most this many posts of one author in a snapshot, so one account cannot fill explore. */
export const RANK_AUTHOR_CAP = 3
/** How many ranked posts a snapshot keeps; explore continues newest first after them. */
export const RANK_SNAPSHOT_SIZE = 500
/** The decay exponent: HN uses 1.8; photos stay interesting a little longer. */
export const RANK_GRAVITY = 1.5

/**
 * The ranking, run once per snapshot (at most once a minute per cache, feed/ranking.ts), never
 * per request. Candidates are the window's newest live posts of public, unsuspended accounts read
 * off posts_explore_idx (recent rows only, at most $3 of them). A post's points are the distinct
 * people who engaged with it, the author excluded: its likers (likes are unique per person and
 * post, so posts.like_count already counts people; the author's own like is one index probe on
 * likes_user_id_post_id_key) plus its distinct commenters (read on comments_post_id_idx only for
 * posts that have comments). Score = (points + 1) / (age in hours + 2) ^ gravity, Hacker News
 * style. Then at most $4 posts per author, the best $5 by score (newest first on ties).
 *
 * Parameters, in order: $1 now, $2 window start (timestamptz text), $3 RANK_CANDIDATES,
 * $4 RANK_AUTHOR_CAP, $5 RANK_SNAPSHOT_SIZE, $6 RANK_GRAVITY.
 */
export const EXPLORE_RANK_SQL = `WITH candidates AS MATERIALIZED (
  SELECT p.id, p.user_id, p.created_at, p.like_count, p.comment_count
  FROM posts p
  WHERE NOT p.is_deleted AND p.created_at >= $2::timestamptz
  ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
  LIMIT $3
),
scored AS (
  SELECT c.id, c.user_id, c.created_at,
    c.like_count
      - CASE WHEN c.like_count > 0 AND EXISTS (SELECT 1 FROM likes l WHERE l.user_id = c.user_id AND l.post_id = c.id) THEN 1 ELSE 0 END
      + CASE WHEN c.comment_count > 0 THEN (
          SELECT count(DISTINCT cm.user_id) FROM comments cm WHERE cm.post_id = c.id AND NOT cm.is_deleted AND cm.user_id <> c.user_id
        ) ELSE 0 END AS points
  FROM candidates c
  JOIN users u ON u.id = c.user_id
  WHERE NOT u.is_blocked AND NOT u.is_private
),
ranked AS (
  SELECT s.id, s.user_id, s.created_at,
    (s.points + 1) / power(greatest(extract(epoch FROM ($1::timestamptz - s.created_at)), 0) / 3600 + 2, $6::numeric) AS score
  FROM scored s
),
capped AS (
  SELECT r.id, r.score, r.created_at, row_number() OVER (PARTITION BY r.user_id ORDER BY r.score DESC, r.created_at DESC, r.id DESC) AS nth
  FROM ranked r
)
SELECT k.id FROM capped k WHERE k.nth <= $4 ORDER BY k.score DESC, k.created_at DESC, k.id DESC LIMIT $5`

export const exploreRankParams = (now: Date, windowStart: Date) =>
  [now.toISOString(), windowStart.toISOString(), RANK_CANDIDATES, RANK_AUTHOR_CAP, RANK_SNAPSHOT_SIZE, RANK_GRAVITY] as const

export async function rankExplore(db: Db, now: Date, windowStart: Date): Promise<number[]> {
  return runNamed(db, 'explore_rank', EXPLORE_RANK_SQL, exploreRankParams(now, windowStart), (rows) => rows.map((r) => Number(r[0])))
}

/**
 * One page of a ranked snapshot: the ids given (already sliced by the caller), in their order,
 * of public accounts the viewer has not muted; the hydrate stage drops what the viewer may not see
 * (deleted since, suspended authors, blocks either way). Parameters: $1 ids (int[]), $2 viewer id
 * (NULL when anonymous).
 */
export const EXPLORE_RANKED_SQL = `SELECT p.id, p.created_at, k.ord
FROM unnest($1::int[]) WITH ORDINALITY AS k(id, ord)
JOIN posts p ON p.id = k.id
JOIN users u ON u.id = p.user_id
WHERE NOT u.is_private AND ${notMutedSql('$2', 'p.user_id')}`

export const EXPLORE_RANKED_PAGE_SQL = postPageSql(EXPLORE_RANKED_SQL, '$2', { ordinal: true })

export function exploreRankedPage(db: Db, viewerId: number | undefined, ids: number[]) {
  return runPostList(db, 'explore_ranked_page', EXPLORE_RANKED_PAGE_SQL, [`{${ids.join(',')}}`, viewerId ?? null])
}

/**
 * After the snapshot: explore newest first (as EXPLORE_SQL) leaving out the snapshot's posts, so
 * no post shows twice. Parameters: EXPLORE_SQL's, then $5 the ids to leave out (int[]).
 */
export const EXPLORE_TAIL_SQL = EXPLORE_SQL.replace(
  'AND (p.created_at, p.id) < ($1::timestamptz, $2::int)',
  'AND (p.created_at, p.id) < ($1::timestamptz, $2::int) AND NOT (p.id = ANY ($5::int[]))',
)
export const EXPLORE_TAIL_PAGE_SQL = postPageSql(EXPLORE_TAIL_SQL, '$4')

export function exploreTailPage(db: Db, viewerId: number | undefined, before: TimeKey, limit: number, exclude: number[]) {
  return runPostPage(
    db,
    'explore_tail_page',
    EXPLORE_TAIL_PAGE_SQL,
    [...exploreParams(before, limit, viewerId ?? null), `{${exclude.join(',')}}`],
    limit,
  )
}
