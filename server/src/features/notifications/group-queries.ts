// Grouped notifications (the bell): likes of one post, comments on one post, follows of one UTC
// day; anything else (mentions, follow requests) is a group of its own. Messages are not in the
// bell (the Messages badge counts them).
//
// A group is listed at its newest member (its head) and ordered by the head's id. Paging walks the
// user's notifications newest first (notifications_list_idx) keeping heads: a notification with no
// newer member of its group (one probe on notifications_group_idx). The first page fixes a
// ceiling, the newest notification id then; every page groups only notifications up to it, so a
// like arriving while someone pages does not move its group from a later page to an earlier one
// (it would be skipped) or show it twice. The next first page shows it.
//
// Members follow the ungrouped list's rule: nothing from someone a block separates from the user,
// nor from a suspended account. Mutes stop new notifications only (notify()), as there.
import { sql } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import { authorVisibleSql, notBlockedEitherWaySql } from '../visibility/index.js'

/** The group of notification `n` within its user and type; the expression of notifications_group_idx (migration 0012). */
export const groupRefSql = (n: string) =>
  `(CASE WHEN ${n}.type IN ('like', 'comment') THEN coalesce(${n}.related_post_id, -${n}.id) WHEN ${n}.type = 'follow' THEN ((${n}.created_at AT TIME ZONE 'UTC')::date - DATE '2000-01-01') ELSE -${n}.id END)`

const id = (v: number) => String(Math.trunc(v))

/** `n` is in the bell of user `me`, up to `ceiling`: not a message, its actor neither blocked either way nor suspended. */
function memberSql(n: string, me: number, ceiling: number): string {
  return `${n}.user_id = ${id(me)} AND ${n}.type <> 'message' AND ${n}.id <= ${id(ceiling)}
    AND ${notBlockedEitherWaySql(id(me), `${n}.related_user_id`)}
    AND NOT EXISTS (SELECT 1 FROM users su WHERE su.id = ${n}.related_user_id AND su.is_blocked)`
}

/** `m` is in the same group as `n`. */
const sameGroupSql = (m: string, n: string) => `${m}.type = ${n}.type AND ${groupRefSql(m)} = ${groupRefSql(n)}`

/** The newest notification id of the user: the first page's ceiling (0 when there is none). */
export async function newestNotificationId(db: DbOrTx, me: number): Promise<number> {
  const [row] = await queryRows<{ id: number | null }>(db, sql`SELECT max(id) AS id FROM notifications WHERE user_id = ${me}`)
  return Number(row?.id ?? 0)
}

export interface GroupRow {
  id: number
  type: string
  count: number
  unread: boolean
  actor_ids: number[] | string | null
  created_at: string
  related_post_id: number | null
  related_comment_id: number | null
}

/**
 * One page of groups (limit + 1 rows), newest head first: heads below `before`, each with its
 * number of distinct actors, whether any member is unread, and its three newest distinct actors.
 */
export async function listGroups(
  db: DbOrTx,
  me: number,
  opts: { ceiling: number; before: number; limit: number; unreadOnly: boolean },
): Promise<GroupRow[]> {
  const member = (n: string) => memberSql(n, me, opts.ceiling)
  const unread = opts.unreadOnly
    ? `AND EXISTS (SELECT 1 FROM notifications u WHERE ${member('u')} AND ${sameGroupSql('u', 'n')} AND u.id <= n.id AND NOT u.is_read)`
    : ''
  const text = `WITH heads AS MATERIALIZED (
  SELECT n.id, n.type, ${groupRefSql('n')} AS ref
  FROM notifications n
  WHERE ${member('n')} AND n.id < ${id(opts.before)}
    AND NOT EXISTS (SELECT 1 FROM notifications m WHERE ${member('m')} AND ${sameGroupSql('m', 'n')} AND m.id > n.id)
    ${unread}
  ORDER BY n.id DESC
  LIMIT ${id(opts.limit + 1)}
)
SELECT h.id, h.type, g.count, g.unread, a.actor_ids,
  to_char(hn.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  hn.related_post_id, hn.related_comment_id
FROM heads h
JOIN notifications hn ON hn.id = h.id
CROSS JOIN LATERAL (
  SELECT count(DISTINCT coalesce(m.related_user_id, -m.id))::int AS count, bool_or(NOT m.is_read) AS unread
  FROM notifications m WHERE ${member('m')} AND m.type = h.type AND ${groupRefSql('m')} = h.ref AND m.id <= h.id
) g
CROSS JOIN LATERAL (
  SELECT array_agg(x.related_user_id ORDER BY x.last DESC) AS actor_ids
  FROM (
    SELECT m.related_user_id, max(m.id) AS last
    FROM notifications m WHERE ${member('m')} AND m.type = h.type AND ${groupRefSql('m')} = h.ref AND m.id <= h.id AND m.related_user_id IS NOT NULL
    GROUP BY m.related_user_id ORDER BY last DESC LIMIT 3
  ) x
) a
ORDER BY h.id DESC`
  return queryRows<GroupRow>(db, sql.raw(text))
}

/** Groups with an unread member: the bell's badge. */
export async function countUnreadGroups(db: DbOrTx, me: number): Promise<number> {
  const text = `SELECT count(*)::int AS n FROM (
  SELECT DISTINCT n.type, ${groupRefSql('n')}
  FROM notifications n
  WHERE ${memberSql('n', me, 2_147_483_647)} AND NOT n.is_read
) g`
  const [row] = await queryRows<{ n: number }>(db, sql.raw(text))
  return Number(row?.n ?? 0)
}

/** Marks read the group whose head is `headId` (its members up to the head); undefined when not the user's. */
export async function markGroupRead(db: DbOrTx, me: number, headId: number): Promise<number[] | undefined> {
  const [head] = await queryRows<{ id: number }>(db, sql`SELECT id FROM notifications WHERE id = ${headId} AND user_id = ${me} FOR UPDATE`)
  if (!head) return undefined
  const rows = await queryRows<{ id: number }>(
    db,
    sql.raw(`UPDATE notifications m SET is_read = true
FROM notifications h
WHERE h.id = ${id(headId)} AND m.user_id = ${id(me)} AND ${sameGroupSql('m', 'h')} AND m.id <= h.id AND NOT m.is_read
RETURNING m.id`),
  )
  return rows.map((r) => Number(r.id))
}

/** The posts groups are about that `me` may see (live, author visible), with their photos. */
export async function findTargetPosts(db: DbOrTx, me: number, ids: number[]) {
  if (ids.length === 0) return []
  return queryRows<{ id: number; user_id: number; image_urls: unknown }>(
    db,
    sql`SELECT p.id, p.user_id, p.image_urls FROM posts p JOIN users u ON u.id = p.user_id
      WHERE p.id IN (${sql.join(
        ids.map((i) => sql`${i}`),
        sql`, `,
      )}) AND NOT p.is_deleted AND ${sql.raw(authorVisibleSql(id(me), 'u'))}`,
  )
}

/** The live comments groups name (the latest comment of a comment group, a mention's comment). */
export async function findTargetComments(db: DbOrTx, ids: number[]) {
  if (ids.length === 0) return []
  return queryRows<{ id: number; content: string }>(
    db,
    sql`SELECT c.id, c.content FROM comments c WHERE c.id IN (${sql.join(
      ids.map((i) => sql`${i}`),
      sql`, `,
    )}) AND NOT c.is_deleted`,
  )
}
