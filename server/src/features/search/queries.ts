// Post search's skeleton, wrapped into a page statement by the posts' hydrate stage (posts/page.ts).
//
// Why tiers instead of ts_rank: ordering every match by a computed score means scoring all of
// them before the first row comes out, and a word used in 30% of 300k captions has 90k matches
// (the issue's p99 ≤ 100 ms case). Relevance here is instead two tiers, each read newest first:
//   2. the words appear as the phrase typed (adjacent, in order): only for queries of two words or more;
//   1. all the words appear, anywhere in the caption (the rest).
// Each tier is a keyset scan that stops after a page: for a common word PostgreSQL walks
// posts_explore_idx by recency and checks the stored search_vector of each post until a page is
// full (a few dozen rows at 30%); for a rare one it reads the few matches from posts_search_idx
// (GIN) and sorts them. Which of the two is cheaper depends on the words, so the statement runs
// unnamed and is planned with each call's words (the column statistics know common words); a
// prepared generic plan would pick one plan for every word. The order (tier, created_at, id) is a
// function of the post and the query alone, so paging never repeats or skips a post however
// many are written meanwhile.
//
// Parameters, in order: $1 the query text, $2 viewer id (NULL when anonymous), $3 cursor tier
// (3 on the first page: before every tier), $4 cursor time, $5 cursor id, $6 page size + 1.
import type { Db } from '../../platform/db/index.js'
import type { TimeKey } from '../../lib/keyset.js'
import { postPageSql, runPostPage } from '../posts/index.js'
import { authorVisibleSql, notMutedSql } from '../visibility/index.js'

/** The first page's cursor tier: above every tier. */
export const FIRST_TIER = 3

// plainto/phraseto_tsquery never fail, whatever the text (quotes, & | ! ( ) : *, backslashes):
// they keep its words and drop the rest. Written inline (not in a CTE) so that, with the
// parameter's value known, the planner folds them to constants and estimates from statistics.
const WORDS = `plainto_tsquery('simple'::regconfig, hearth_search_text($1::text))`
const PHRASE = `phraseto_tsquery('simple'::regconfig, hearth_search_text($1::text))`
const MANY_WORDS = `numnode(${WORDS}) > 1`

const tier = (rank: number, match: string) => `(SELECT p.id, p.created_at, ${rank} AS rank
  FROM posts p JOIN users u ON u.id = p.user_id
  WHERE ${match}
    AND ($3::int > ${rank} OR (p.created_at, p.id) < ($4::timestamptz, $5::int))
    AND ${authorVisibleSql('$2', 'u')} AND ${notMutedSql('$2', 'p.user_id')}
  ORDER BY p.created_at DESC NULLS LAST, p.id DESC NULLS LAST
  LIMIT $6::int)`

export const POST_SEARCH_SKELETON = `SELECT s.id, s.created_at, s.rank
FROM (
${tier(2, `$3::int >= 2 AND ${MANY_WORDS} AND NOT p.is_deleted AND p.search_vector @@ ${PHRASE}`)}
UNION ALL
${tier(1, `numnode(${WORDS}) > 0 AND NOT p.is_deleted AND p.search_vector @@ ${WORDS} AND NOT (${MANY_WORDS} AND p.search_vector @@ ${PHRASE})`)}
) s
ORDER BY s.rank DESC, s.created_at DESC NULLS LAST, s.id DESC NULLS LAST
LIMIT $6::int`

export const POST_SEARCH_SQL = postPageSql(POST_SEARCH_SKELETON, '$2', { ranked: true })

export function searchPostsPage(db: Db, query: string, viewerId: number | undefined, after: { tier: number; key: TimeKey }, limit: number) {
  return runPostPage(db, undefined, POST_SEARCH_SQL, [query, viewerId ?? null, after.tier, after.key.at, after.key.id, limit + 1], limit, {
    ranked: true,
  })
}
