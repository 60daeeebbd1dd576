import { and, eq } from 'drizzle-orm'
import { bookmarks } from '../../db/schema.js'
import type { Db, DbOrTx } from '../../platform/db/index.js'
import type { TimeKey } from '../../lib/keyset.js'
import { postPageSql, runPostPage } from '../posts/index.js'

/** Idempotent: the unique (user_id, post_id) index settles repeats and races. */
export async function insertBookmark(db: DbOrTx, userId: number, postId: number): Promise<void> {
  await db.insert(bookmarks).values({ userId, postId }).onConflictDoNothing()
}

export async function deleteBookmark(db: DbOrTx, userId: number, postId: number): Promise<void> {
  await db.delete(bookmarks).where(and(eq(bookmarks.userId, userId), eq(bookmarks.postId, postId)))
}

/**
 * The saver's list as a page statement (bookmarks_user_recent_idx): the skeleton's created_at is
 * when the post was saved, so the page's cursor is (saved at, post id), unique within one
 * person's list. Posts deleted or hidden from the saver since are dropped by the page statement's
 * visibility step. $1 saver (also the viewer), $2 cursor time, $3 cursor post id, $4 page size + 1.
 */
const SAVED_POSTS_SQL = postPageSql(
  `SELECT b.post_id AS id, b.created_at
FROM bookmarks b
WHERE b.user_id = $1::int AND (b.created_at, b.post_id) < ($2::timestamptz, $3::int)
ORDER BY b.created_at DESC NULLS LAST, b.post_id DESC NULLS LAST
LIMIT (SELECT $4::int)`,
  '$1',
)

export function savedPostsPage(db: Db, userId: number, before: TimeKey, limit: number) {
  return runPostPage(db, 'saved_posts_page', SAVED_POSTS_SQL, [userId, before.at, before.id, limit + 1], limit)
}
