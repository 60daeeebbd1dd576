// The visibility rule, written once. Every list and every single read of posts, comments and
// users applies it in its skeleton or hydrate step (posts/page.ts, comments, likes, follows,
// users, notifications, messages, search): nothing that returns another person's content builds
// its own check.
//
// A viewer may see a person's content when:
// - the person is not suspended (users.is_blocked, the administrators' switch);
// - neither has blocked the other (user_blocks, both directions: two index probes);
// - the person's account is public, or it is the viewer's own, or the viewer is an approved
//   follower (follows), or the viewer is an administrator.
// Mutes are not part of it: they only thin the muter's home feed, explore and notifications
// (`notMutedSql`), and change nothing anyone else sees.
// One exception, for reports only: what the viewer's own block hides stays theirs to report
// ("block and report"), `blockedByViewer`.
//
// Two forms: raw SQL text for the named page statements (which are plain text so that the
// benchmark can replay them byte for byte), and Drizzle `SQL` for the query-builder reads.
import { sql, type AnyColumn, type SQL } from 'drizzle-orm'

/**
 * Raw form. `viewer` is a placeholder or expression holding the viewer's id (NULL when
 * anonymous); `u` the alias of the author's `users` row in the surrounding statement.
 */
export function authorVisibleSql(viewer: string, u: string): string {
  // `AND u.is_private` inside the EXISTS is redundant (the OR reaches it only for private accounts)
  // and on purpose: it keeps the follow check one index probe per private author. Without it
  // PostgreSQL may hash every account the viewer follows, once per page, for the first private
  // author on it (thousands of rows for heavy followers): bench/results/design-measurements.md#visibility-rule.
  return `NOT ${u}.is_blocked
    AND ${notBlockedEitherWaySql(viewer, `${u}.id`)}
    AND (NOT ${u}.is_private OR ${u}.id = ${viewer}::int
      OR EXISTS (SELECT 1 FROM follows vf WHERE vf.follower_id = ${viewer}::int AND vf.following_id = ${u}.id AND ${u}.is_private)
      OR EXISTS (SELECT 1 FROM users va WHERE va.id = ${viewer}::int AND va.role = 'admin'))`
}

/**
 * Raw form: no block between the viewer and the user `userId` (an id expression), either way.
 * The people on either side of the viewer's blocks are read once per statement (two index scans,
 * hashed) instead of probed for each row, and it is one sub-query to plan instead of two
 * (bench/results/design-measurements.md#visibility-rule). An anonymous viewer (NULL) blocks no
 * one; a NULL `userId` (a notification or event that names nobody) is no one blocked, which
 * `NOT IN` alone would not say (NULL NOT IN a non-empty list is NULL).
 */
export function notBlockedEitherWaySql(viewer: string, userId: string): string {
  return `(${userId} IS NULL OR ${userId} NOT IN (SELECT vb.blocked_id FROM user_blocks vb WHERE vb.blocker_id = ${viewer}::int
      UNION ALL SELECT vb.blocker_id FROM user_blocks vb WHERE vb.blocked_id = ${viewer}::int))`
}

/** Raw form: the viewer has not muted `userId` (home feed, explore, notifications only). */
export function notMutedSql(viewer: string, userId: string): string {
  return `NOT EXISTS (SELECT 1 FROM user_mutes vm WHERE vm.muter_id = ${viewer}::int AND vm.muted_id = ${userId})`
}

/** Drizzle form of `authorVisibleSql`: `u` is the aliased users table name in the query (usually "users"). */
export function authorVisible(viewerId: number | undefined, u = 'users'): SQL {
  return sql.raw(authorVisibleSql(viewerId === undefined ? 'NULL' : String(Math.trunc(viewerId)), `"${u}"`))
}

/** Drizzle form of `notBlockedEitherWaySql` for a user id column or expression, in the same shape. */
export function notBlockedEitherWay(viewerId: number | undefined, userId: AnyColumn | SQL): SQL {
  if (viewerId === undefined) return sql`true`
  return sql`(${userId} IS NULL OR ${userId} NOT IN (SELECT vb.blocked_id FROM user_blocks vb WHERE vb.blocker_id = ${viewerId}::int
      UNION ALL SELECT vb.blocker_id FROM user_blocks vb WHERE vb.blocked_id = ${viewerId}::int))`
}

/** Drizzle form of `notMutedSql`. */
export function notMuted(viewerId: number | undefined, userId: AnyColumn | SQL): SQL {
  if (viewerId === undefined) return sql`true`
  return sql`NOT EXISTS (SELECT 1 FROM user_mutes vm WHERE vm.muter_id = ${viewerId}::int AND vm.muted_id = ${userId})`
}

/** Drizzle: the viewer blocks `userId` (for reports, which may name what only the reporter's own block hides). */
export function blockedByViewer(viewerId: number, userId: AnyColumn | SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM user_blocks vb WHERE vb.blocker_id = ${viewerId}::int AND vb.blocked_id = ${userId})`
}
