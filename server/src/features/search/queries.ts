// Post search's skeleton, wrapped into a page statement by the posts' hydrate stage (posts/page.ts).
//
// Why not ts_rank over every match: ordering all matches by a computed score means scoring all of
// them before the first row comes out, and a word used in 30% of 300k captions has 90k matches
// (the p99 ≤ 100 ms case). Instead relevance is computed for a bounded window:
//   - the window: the newest SEARCH_WINDOW visible posts holding every word of the query. For a
//     common word PostgreSQL walks posts_explore_idx by recency and checks each post's stored
//     search_vector until the window is full (~3,300 rows at 30%); for a rare word it reads the
//     few matches from posts_search_idx (GIN) and sorts them. The statement runs unnamed so it is
//     planned with each call's words (the column statistics know the common ones): a prepared
//     generic plan would use one of the two plans for every word;
//   - the window comes by ts_rank_cd (cover density: the words close together and often score
//     higher), newest first among equal scores; older matches follow, newest first, unranked.
// The window is bounded by the largest post id when the search began (carried in the cursor), so
// it is the same set of posts on every page: each post's place (score, created_at, id) is then a
// function of the post, the query and that bound, and paging never repeats or skips a post
// however many are written meanwhile (posts written after page 1 are not part of that search).
//
// Parameters, in order: $1 query text, $2 viewer id (NULL when anonymous), $3 bound (largest
// post id), $4 cursor score (FIRST_SCORE on page 1; 0 is "older than the window"), $5 cursor time,
// $6 cursor id, $7 page size + 1, $8 SEARCH_WINDOW.
import { sql } from 'drizzle-orm'
import type { Db } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import type { TimeKey } from '../../lib/keyset.js'
import { postPageSql, runPostPage } from '../posts/index.js'
import { authorVisibleSql, notMutedSql } from '../visibility/index.js'

/** How many of the newest matches are ranked by relevance. */
export const SEARCH_WINDOW = 1000
/** Page 1's cursor score: above every score. */
export const FIRST_SCORE = Number.MAX_SAFE_INTEGER

// plainto_tsquery never fails, whatever the text (quotes, & | ! ( ) : *, backslashes): it keeps
// the words and ANDs them. Written inline (not in a CTE) so that, with the parameter's value
// known, the planner folds it to a constant and estimates from statistics.
const WORDS = `plainto_tsquery('simple'::regconfig, hearth_search_text($1::text))`

const MATCHES = `FROM posts p JOIN users u ON u.id = p.user_id
  WHERE numnode(${WORDS}) > 0 AND NOT p.is_deleted AND p.search_vector @@ ${WORDS} AND p.id <= $3::int
    AND ${authorVisibleSql('$2', 'u')} AND ${notMutedSql('$2', 'p.user_id')}`

export const POST_SEARCH_SKELETON = `WITH win AS MATERIALIZED (
  SELECT p.id, p.created_at, (ts_rank_cd(p.search_vector, ${WORDS}) * 1000000)::bigint + 1 AS rank
  ${MATCHES}
  ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
  LIMIT $8::int
),
ranked AS MATERIALIZED (
  SELECT w.id, w.created_at, w.rank FROM win w
  WHERE (w.rank, w.created_at, w.id) < ($4::bigint, $5::timestamptz, $6::int)
  ORDER BY w.rank DESC, w.created_at DESC NULLS LAST, w.id DESC NULLS LAST
  LIMIT $7::int
)
SELECT s.id, s.created_at, s.rank FROM (
  SELECT r.id, r.created_at, r.rank FROM ranked r
  UNION ALL
  SELECT o.id, o.created_at, o.rank FROM (
    SELECT p.id, p.created_at, 0::bigint AS rank
    ${MATCHES}
      AND (SELECT count(*) FROM ranked) < $7::int AND (SELECT count(*) FROM win) = $8::int
      AND (p.created_at, p.id) < (SELECT w.created_at, w.id FROM win w ORDER BY w.created_at ASC, w.id ASC LIMIT 1)
      AND ($4::bigint > 0 OR (p.created_at, p.id) < ($5::timestamptz, $6::int))
    ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
    LIMIT $7::int
  ) o
) s
ORDER BY s.rank DESC, s.created_at DESC NULLS LAST, s.id DESC NULLS LAST
LIMIT $7::int`

export const POST_SEARCH_SQL = postPageSql(POST_SEARCH_SKELETON, '$2', { ranked: true })

/** The bound of a new search: the largest post id so far. */
export async function latestPostId(db: Db): Promise<number> {
  const [row] = await queryRows<{ id: number | null }>(db, sql`SELECT max(id) AS id FROM posts`)
  return Number(row?.id ?? 0)
}

export interface SearchPosition {
  bound: number
  score: number
  key: TimeKey
}

export function searchPostsPage(
  db: Db,
  query: string,
  viewerId: number | undefined,
  after: SearchPosition,
  limit: number,
  window = SEARCH_WINDOW,
) {
  return runPostPage(
    db,
    undefined,
    POST_SEARCH_SQL,
    [query, viewerId ?? null, after.bound, after.score, after.key.at, after.key.id, limit + 1, window],
    limit,
    { ranked: true, cursorPrefix: [after.bound] },
  )
}
