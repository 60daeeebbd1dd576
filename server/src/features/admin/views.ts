// Presentation for the admin area: pure functions from hydrated rows to the API's shapes.
// Unlike public views, these show deleted content and blocked users, flagged as such.
import { Type } from '@fastify/type-provider-typebox'
import { Id, Nullable, Timestamp } from '../../http/schemas.js'
import { ReportReason, type ReportRow, ReportStatus, targetOf, TargetType } from '../reports/index.js'
import type { AdminUserRow, UserRefRow } from './queries.js'

export const Role = Type.Union([Type.Literal('user'), Type.Literal('admin')])

export const AdminUserRef = Type.Object(
  {
    id: Id,
    username: Type.String(),
    displayName: Nullable(Type.String()),
    avatarUrl: Nullable(Type.String()),
    role: Role,
    isBlocked: Type.Boolean(),
  },
  { title: 'AdminUserRef' },
)

export const AdminUser = Type.Object(
  {
    id: Id,
    username: Type.String(),
    email: Type.String(),
    emailVerified: Type.Boolean(),
    displayName: Nullable(Type.String()),
    avatarUrl: Nullable(Type.String()),
    role: Role,
    isBlocked: Type.Boolean(),
    createdAt: Timestamp,
    followersCount: Type.Integer(),
    followingCount: Type.Integer(),
    postsCount: Type.Integer(),
    lastActiveAt: Nullable(Timestamp),
    activeSessions: Type.Integer({ description: 'Sessions that are neither revoked nor expired.' }),
  },
  { title: 'AdminUser' },
)

export const AdminReport = Type.Object(
  {
    id: Id,
    reason: ReportReason,
    description: Nullable(Type.String()),
    status: ReportStatus,
    createdAt: Timestamp,
    reporter: Nullable(AdminUserRef),
    reviewedBy: Nullable(AdminUserRef),
    reviewedAt: Nullable(Timestamp),
    target: Type.Object({
      type: TargetType,
      id: Id,
      user: Nullable(AdminUserRef),
      content: Nullable(Type.String({ description: 'The post or comment text, also when since deleted; null for a user.' })),
      imageUrls: Type.Array(Type.String(), {
        description:
          "Display URLs of a post's photos, also when since deleted (then signed, short-lived URLs of the admin-only GET /admin/media/…, as the public ones stop working at deletion); empty once imagesRemovedAt is set.",
      }),
      imageCount: Type.Integer({ description: 'How many photos the post had, whether or not they are still stored.' }),
      imagesRemovedAt: Type.Union([Timestamp, Type.Null()], {
        description:
          'When the photos of this deleted post were removed from storage (MEDIA_RETENTION_DAYS after the deletion); null while they are kept.',
      }),
      postId: Nullable(Id),
      parentCommentId: Nullable(Id),
      isDeleted: Type.Boolean(),
      createdAt: Nullable(Timestamp),
    }),
    otherReports: Type.Object(
      { total: Type.Integer(), pending: Type.Integer() },
      { description: 'Reports of the same target besides this one (any reporter).' },
    ),
  },
  { title: 'AdminReport' },
)

export const AuditEntry = Type.Object(
  {
    id: Id,
    actor: Nullable(AdminUserRef),
    action: Type.String(),
    targetType: Type.String(),
    targetId: Id,
    details: Nullable(Type.Record(Type.String(), Type.Unknown())),
    createdAt: Timestamp,
  },
  { title: 'AuditEntry' },
)

export function presentUserRef(u: UserRefRow) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    avatarUrl: u.avatarUrl,
    role: u.role,
    isBlocked: u.isBlocked,
  }
}

export function presentAdminUser(u: AdminUserRow, sessions: { lastActiveAt: string | null; activeSessions: number } | undefined) {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    emailVerified: u.emailVerifiedAt !== null,
    displayName: u.displayName,
    avatarUrl: u.avatarUrl,
    role: u.role,
    isBlocked: u.isBlocked,
    createdAt: u.createdAt.toISOString(),
    followersCount: u.followersCount,
    followingCount: u.followingCount,
    postsCount: u.postsCount,
    lastActiveAt: sessions?.lastActiveAt ?? null,
    activeSessions: sessions?.activeSessions ?? 0,
  }
}

export interface ContentRow {
  id: number
  userId: number
  content: string
  isDeleted: boolean
  createdAt: Date
  imageUrls?: unknown
  mediaRemovedAt?: Date | null
  postId?: number
  parentCommentId?: number | null
}

/** Everything the queue needs about one report, loaded for a whole page at once. */
export interface HydratedReport {
  report: ReportRow
  users: Map<number, UserRefRow>
  content: ContentRow | undefined
  counts: { total: number; pending: number } | undefined
}

/** Display URLs of the stored images (storage keys and variants stay on the server). */
function imageUrls(stored: unknown): string[] {
  if (!Array.isArray(stored)) return []
  return stored.flatMap((s) =>
    s && typeof s === 'object' && typeof (s as { url?: unknown }).url === 'string' ? [(s as { url: string }).url] : [],
  )
}

/** `hiddenPhotoUrl` turns a deleted post's photo URL (no longer public) into one an administrator can load. */
export function presentAdminReport(
  { report: r, users, content, counts }: HydratedReport,
  hiddenPhotoUrl: (url: string) => string = (u) => u,
) {
  const target = targetOf(r)
  const stored = imageUrls(content?.imageUrls)
  const photos = content?.isDeleted ? stored.map(hiddenPhotoUrl) : stored
  const ref = (id: number | null | undefined) => {
    const u = id == null ? undefined : users.get(id)
    return u ? presentUserRef(u) : null
  }
  return {
    id: r.id,
    reason: r.reason,
    description: r.description,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    reporter: ref(r.reporterId),
    reviewedBy: ref(r.reviewedBy),
    reviewedAt: r.reviewedAt?.toISOString() ?? null,
    target: {
      type: target.type,
      id: target.id,
      user: ref(target.type === 'user' ? target.id : content?.userId),
      content: content?.content ?? null,
      // photos removed after the retention period are reported as such, not as broken links
      imageUrls: content?.mediaRemovedAt ? [] : photos,
      imageCount: photos.length,
      imagesRemovedAt: content?.mediaRemovedAt?.toISOString() ?? null,
      postId: target.type === 'comment' ? (content?.postId ?? null) : null,
      parentCommentId: content?.parentCommentId ?? null,
      isDeleted: content?.isDeleted ?? false,
      createdAt: content?.createdAt.toISOString() ?? null,
    },
    // this report counts itself; moderators want the others
    otherReports: {
      total: Math.max(0, (counts?.total ?? 1) - 1),
      pending: Math.max(0, (counts?.pending ?? 0) - (r.status === 'pending' ? 1 : 0)),
    },
  }
}

export function presentAuditEntry(
  e: { id: number; actorId: number; action: string; targetType: string; targetId: number; details: unknown; createdAt: Date },
  users: Map<number, UserRefRow>,
) {
  const actor = users.get(e.actorId)
  return {
    id: e.id,
    actor: actor ? presentUserRef(actor) : null,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    details: (e.details as Record<string, unknown> | null) ?? null,
    createdAt: e.createdAt.toISOString(),
  }
}
