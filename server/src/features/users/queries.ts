import { and, asc, eq, gt, or, sql } from 'drizzle-orm'
import { follows, posts, users } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'

export async function findVisibleUserById(db: DbOrTx, id: number) {
  const [row] = await db.select().from(users).where(and(eq(users.id, id), eq(users.isBlocked, false))).limit(1)
  return row
}

export async function findVisibleUserByUsername(db: DbOrTx, username: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(sql`lower(${users.username})`, username.toLowerCase()), eq(users.isBlocked, false)))
    .limit(1)
  return row
}

export async function profileCounts(db: DbOrTx, userId: number, viewerId: number | undefined) {
  const [row] = await db.execute<{ followers: number; following: number; posts: number; is_following: boolean }>(sql`
    SELECT
      (SELECT count(*)::int FROM ${follows} WHERE following_id = ${userId}) AS followers,
      (SELECT count(*)::int FROM ${follows} WHERE follower_id = ${userId}) AS following,
      (SELECT count(*)::int FROM ${posts} WHERE user_id = ${userId} AND NOT is_deleted) AS posts,
      ${viewerId === undefined ? sql`false` : sql`EXISTS (SELECT 1 FROM ${follows} WHERE follower_id = ${viewerId} AND following_id = ${userId})`} AS is_following
  `).then((r) => (r as unknown as { rows: { followers: number; following: number; posts: number; is_following: boolean }[] }).rows)
  return {
    followersCount: Number(row?.followers ?? 0),
    followingCount: Number(row?.following ?? 0),
    postsCount: Number(row?.posts ?? 0),
    isFollowing: Boolean(row?.is_following),
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c)

/** Prefix search on username or display name, ordered by lower(username) for keyset paging. */
export async function searchUsers(db: DbOrTx, q: string, limit: number, after: string | undefined) {
  const prefix = escapeLike(q.toLowerCase()) + '%'
  const lowerName = sql<string>`lower(${users.username})`
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarUrl: users.avatarUrl,
      key: lowerName,
    })
    .from(users)
    .where(
      and(
        eq(users.isBlocked, false),
        or(sql`lower(${users.username}) LIKE ${prefix}`, sql`lower(${users.displayName}) LIKE ${prefix}`),
        after === undefined ? undefined : gt(lowerName, after),
      ),
    )
    .orderBy(asc(lowerName))
    .limit(limit + 1)
}

export async function updateUser(
  db: DbOrTx,
  id: number,
  values: Partial<Pick<typeof users.$inferInsert, 'displayName' | 'bio' | 'username' | 'avatarUrl'>>,
) {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning()
  return row
}
