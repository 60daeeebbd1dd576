// The shared read pipeline for every list of posts (feeds, profiles, a single post), as one
// statement per page: skeleton → hydrate in SQL, present in JavaScript.
//
// - skeleton: a feature's own statement choosing the page's posts, newest first, `limit + 1` rows
//   of (id, created_at), e.g. HOME_FEED_SQL;
// - hydrate: `postPageSql` wraps it to join each post with its author and the viewer's like, in
//   the same statement (one round trip per page instead of three: the driver's socket writes and
//   result parsing were the largest share of the server's CPU on the feed, bench/results/feed-analysis.md);
// - filter: the visibility rule (safety/visibility.ts: suspended authors, blocks either way,
//   private accounts the viewer does not follow) applies here to every list; posts deleted or blocked since the skeleton's index was read come back marked invisible
//   and are dropped here, while the cursor is still built from the skeleton, so a thinned page never
//   makes the next one skip or repeat a post;
// - present: rows are arrays mapped by hand straight into the API's shape.
import type { Db } from '../../platform/db/index.js'
import { runNamed } from '../../platform/db/named-statement.js'
import { CURSOR_AT_FORMAT, paginate, type CursorValue } from '../../lib/keyset.js'
import { authorVisibleSql } from '../visibility/index.js'
import { presentImages, type PresentedPost } from './views.js'

/** ISO 8601 in UTC with milliseconds, as Date#toISOString writes it (to_char truncates like Date). */
const ISO_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`

/**
 * The page statement around a skeleton. `viewer` is the placeholder holding the viewer's id (NULL
 * when anonymous).
 *
 * Hydrate reads its posts by `id = ANY (ARRAY(...))` rather than joining the skeleton: the
 * planner sizes an array it cannot see at 10 elements whether or not it knows the parameters, so a
 * generic plan costs no more than a custom one and PostgreSQL keeps the prepared statement's
 * generic plan. Joined directly, the generic plan was costed for ~500 skeleton rows (an unknown
 * LIMIT) against 21 in a custom plan, so every execution was planned afresh (measurements:
 * bench/results/design-measurements.md#page-statement). For the same reason a skeleton whose plan hangs on its page size writes `LIMIT (SELECT $n::int)`:
 * a bare `LIMIT $n` is known to a custom plan and unknown to the generic one, which then looks
 * costlier and loses (explore was re-planned on every call). The viewer's
 * like, and bookmark, is one index probe per post (LATERAL … LIMIT 1): as an EXISTS the planner
 * hashed all of the viewer's likes instead.
 *
 * `opts.ordinal`: the skeleton returns an `ord` column giving each post's place (explore's
 * snapshot, feed/ranking.ts); `opts.ranked`: a `rank` column ordered first (search).
 */
export function postPageSql(skeleton: string, viewer: string, opts: { ranked?: boolean; ordinal?: boolean } = {}): string {
  // Ranked lists (search) order by the skeleton's `rank` column first; their cursor is (rank, at, id).
  // Ordinal lists (explore's snapshot) carry each post's place in an `ord` column and keep that order.
  const rank = opts.ranked ? 's.rank' : 'NULL::int'
  const order = opts.ordinal ? 's.ord' : `${opts.ranked ? 's.rank DESC, ' : ''}s.created_at DESC NULLS LAST, s.id DESC NULLS LAST`
  return `WITH skeleton AS MATERIALIZED (
${skeleton}
),
hydrated AS MATERIALIZED (
  SELECT p.id, p.user_id, p.content, p.image_urls, p.like_count, p.comment_count,
    to_char(p.created_at AT TIME ZONE 'UTC', ${ISO_FORMAT}) AS created_at,
    to_char(p.updated_at AT TIME ZONE 'UTC', ${ISO_FORMAT}) AS updated_at,
    p.updated_at > p.created_at AS edited,
    u.username, u.display_name, u.avatar_url,
    lk.liked IS NOT NULL AS liked, bm.saved IS NOT NULL AS saved, p.sensitive, p.spoiler_text
  FROM posts p
  JOIN users u ON u.id = p.user_id
  LEFT JOIN LATERAL (SELECT true AS liked FROM likes l WHERE l.user_id = ${viewer}::int AND l.post_id = p.id LIMIT 1) lk ON true
  LEFT JOIN LATERAL (SELECT true AS saved FROM bookmarks b WHERE b.user_id = ${viewer}::int AND b.post_id = p.id LIMIT 1) bm ON true
  WHERE p.id = ANY (ARRAY(SELECT k.id FROM skeleton k)) AND NOT p.is_deleted
    AND ${authorVisibleSql(viewer, 'u')}
)
SELECT s.id, to_char(s.created_at AT TIME ZONE 'UTC', ${CURSOR_AT_FORMAT}) AS at,
  h.id IS NOT NULL AS visible, h.user_id, h.content, h.image_urls, h.like_count, h.comment_count,
  h.created_at, h.updated_at, h.edited, h.username, h.display_name, h.avatar_url, coalesce(h.liked, false) AS liked,
  coalesce(h.saved, false) AS saved, coalesce(h.sensitive, false) AS sensitive, h.spoiler_text, ${rank} AS rank
FROM skeleton s
LEFT JOIN hydrated h ON h.id = s.id
ORDER BY ${order}`
}

interface PageRow {
  id: number
  at: string
  rank: number
  post: PresentedPost | null
}

function mapRows(rows: unknown[][]): PageRow[] {
  const out = new Array<PageRow>(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    const id = Number(r[0])
    out[i] = {
      id,
      at: String(r[1]),
      rank: Number(r[18] ?? 0),
      post: r[2]
        ? {
            id,
            author: { id: Number(r[3]), username: r[11] as string, displayName: r[12] as string | null, avatarUrl: r[13] as string | null },
            content: r[4] as string,
            images: presentImages(r[5]),
            likeCount: Number(r[6]),
            commentCount: Number(r[7]),
            likedByMe: r[14] === true,
            bookmarkedByMe: r[15] === true,
            sensitive: r[16] === true,
            spoilerText: (r[17] as string | null) || null,
            createdAt: r[8] as string,
            updatedAt: r[9] as string,
            edited: r[10] === true,
          }
        : null,
    }
  }
  return out
}

/**
 * Runs a page statement built by `postPageSql` (a named prepared statement) and returns the
 * visible posts of the page and the next cursor. The skeleton must return `limit + 1` rows.
 * `name` undefined runs it unnamed, planned afresh with each call's values: for statements whose
 * best plan depends on them (search: a rare word wants the index of words, a common one the walk
 * by recency). `ranked` as for `postPageSql`; `cursorPrefix` goes before the sort key in the cursor.
 */
export async function runPostPage(
  db: Db,
  name: string | undefined,
  text: string,
  params: readonly unknown[],
  limit: number,
  opts: { ranked?: boolean; cursorPrefix?: CursorValue[] } = {},
) {
  const rows = await runNamed(db, name, text, params, mapRows)
  const prefix = opts.cursorPrefix ?? []
  const page = paginate(rows, limit, (r) => (opts.ranked ? [...prefix, r.rank, r.at, r.id] : [...prefix, r.at, r.id]))
  const items: PresentedPost[] = []
  for (const r of page.items) if (r.post) items.push(r.post)
  return { items, nextCursor: page.nextCursor }
}

/**
 * Runs a page statement whose skeleton is already exactly one page (explore's ranked snapshot,
 * sliced by the caller, who also builds the cursor) and returns its visible posts in order.
 */
export async function runPostList(db: Db, name: string, text: string, params: readonly unknown[]): Promise<PresentedPost[]> {
  const rows = await runNamed(db, name, text, params, mapRows)
  const items: PresentedPost[] = []
  for (const r of rows) if (r.post) items.push(r.post)
  return items
}
