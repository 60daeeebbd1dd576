// SQL of the admin area: user management reads and the audit log. The users table's locks and
// writes (blocks, roles, the admin set) are the users feature's; content deletions are posts' and comments'.
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm'
import { adminAuditLog, userSessions, users } from '../../db/schema.js'
import type { DbOrTx, Tx } from '../../platform/db/index.js'

export type Role = 'user' | 'admin'

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c)

const adminUserColumns = {
  id: users.id,
  username: users.username,
  email: users.email,
  displayName: users.displayName,
  avatarUrl: users.avatarUrl,
  role: users.role,
  isBlocked: users.isBlocked,
  emailVerifiedAt: users.emailVerifiedAt,
  createdAt: users.createdAt,
  followersCount: users.followersCount,
  followingCount: users.followingCount,
  postsCount: users.postsCount,
}

export type AdminUserRow = {
  id: number
  username: string
  email: string
  displayName: string | null
  avatarUrl: string | null
  role: Role
  isBlocked: boolean
  emailVerifiedAt: Date | null
  createdAt: Date
  followersCount: number
  followingCount: number
  postsCount: number
}

/**
 * The admin user list, newest first (ids are assigned in creation order, so `id DESC` is the
 * keyset). `q` is a case-insensitive prefix of the username, the display name or the email.
 */
export async function listUsers(
  db: DbOrTx,
  f: { q?: string; blocked?: boolean; role?: Role; beforeId?: number; limit: number },
): Promise<AdminUserRow[]> {
  const prefix = f.q === undefined ? undefined : escapeLike(f.q.toLowerCase()) + '%'
  return db
    .select(adminUserColumns)
    .from(users)
    .where(
      and(
        prefix === undefined
          ? undefined
          : or(
              sql`lower(${users.username}) LIKE ${prefix}`,
              sql`lower(${users.displayName}) LIKE ${prefix}`,
              sql`lower(${users.email}) LIKE ${prefix}`,
            ),
        f.blocked === undefined ? undefined : eq(users.isBlocked, f.blocked),
        f.role === undefined ? undefined : eq(users.role, f.role),
        f.beforeId === undefined ? undefined : lt(users.id, f.beforeId),
      ),
    )
    .orderBy(desc(users.id))
    .limit(f.limit + 1)
}

export async function findAdminUser(db: DbOrTx, id: number): Promise<AdminUserRow | undefined> {
  const [row] = await db.select(adminUserColumns).from(users).where(eq(users.id, id)).limit(1)
  return row
}

/** Last activity and live session count of each user, in one query for a page. */
export async function sessionSummaries(db: DbOrTx, userIds: number[]) {
  if (userIds.length === 0) return []
  return db
    .select({
      userId: userSessions.userId,
      // formatted in SQL: drivers disagree on how they hand back a bare timestamptz expression
      lastActiveAt: sql<
        string | null
      >`to_char(max(greatest(${userSessions.lastActivity}, ${userSessions.createdAt})) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      activeSessions: sql<number>`count(*) FILTER (WHERE ${userSessions.isActive} AND ${userSessions.expiresAt} > now())`.mapWith(Number),
    })
    .from(userSessions)
    .where(inArray(userSessions.userId, userIds))
    .groupBy(userSessions.userId)
}

// ---- moderation effects on content ----

// ---- audit log ----

export type AuditTargetType = 'user' | 'post' | 'comment' | 'report'

export interface AuditEntry {
  actorId: number
  action: string
  targetType: AuditTargetType
  targetId: number
  details?: Record<string, unknown>
}

export async function insertAuditEntry(tx: Tx, e: AuditEntry) {
  const [row] = await tx
    .insert(adminAuditLog)
    .values({ actorId: e.actorId, action: e.action, targetType: e.targetType, targetId: e.targetId, details: e.details ?? null })
    .returning({ id: adminAuditLog.id, createdAt: adminAuditLog.createdAt })
  return row!
}

export async function listAudit(
  db: DbOrTx,
  f: { actorId?: number; targetType?: AuditTargetType; targetId?: number; beforeId?: number; limit: number },
) {
  return db
    .select()
    .from(adminAuditLog)
    .where(
      and(
        f.actorId === undefined ? undefined : eq(adminAuditLog.actorId, f.actorId),
        f.targetType === undefined ? undefined : eq(adminAuditLog.targetType, f.targetType),
        f.targetId === undefined ? undefined : eq(adminAuditLog.targetId, f.targetId),
        f.beforeId === undefined ? undefined : lt(adminAuditLog.id, f.beforeId),
      ),
    )
    .orderBy(desc(adminAuditLog.id))
    .limit(f.limit + 1)
}

/** Users as the admin area names them (summary plus standing), for hydrating a page. */
export async function userRefsByIds(db: DbOrTx, ids: number[]) {
  if (ids.length === 0) return []
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarUrl: users.avatarUrl,
      role: users.role,
      isBlocked: users.isBlocked,
    })
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]))
}

export type UserRefRow = Awaited<ReturnType<typeof userRefsByIds>>[number]
