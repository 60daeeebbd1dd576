import { eq, sql } from 'drizzle-orm'
import { commentMentions, postMentions, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'

export type MentionSource = { kind: 'post'; id: number } | { kind: 'comment'; id: number }

/** Accounts by username (case-insensitively, users_username_lower_key), suspended ones left out. */
export async function activeUsersNamed(db: DbOrTx, usernames: string[]): Promise<{ id: number; username: string }[]> {
  if (usernames.length === 0) return []
  const rows = await queryRows<{ id: number; username: string }>(
    db,
    sql`SELECT u.id, lower(u.username) AS username FROM users u
      WHERE lower(u.username) = ANY (ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(usernames)}::jsonb)))
        AND NOT u.is_blocked`,
  )
  return rows.map((r) => ({ id: Number(r.id), username: r.username }))
}

export async function usernameOf(db: DbOrTx, userId: number): Promise<string> {
  const [row] = await db.select({ username: users.username }).from(users).where(eq(users.id, userId))
  return row!.username
}

/** The people this post or comment has already notified of a mention. */
export async function alreadyMentioned(db: DbOrTx, source: MentionSource): Promise<Set<number>> {
  const rows =
    source.kind === 'post'
      ? await db.select({ userId: postMentions.userId }).from(postMentions).where(eq(postMentions.postId, source.id))
      : await db.select({ userId: commentMentions.userId }).from(commentMentions).where(eq(commentMentions.commentId, source.id))
  return new Set(rows.map((r) => r.userId))
}

export async function recordMention(db: DbOrTx, source: MentionSource, userId: number) {
  if (source.kind === 'post') await db.insert(postMentions).values({ postId: source.id, userId }).onConflictDoNothing()
  else await db.insert(commentMentions).values({ commentId: source.id, userId }).onConflictDoNothing()
}
