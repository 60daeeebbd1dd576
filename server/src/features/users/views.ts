// Presentation: pure functions from rows to the API's shapes. No I/O here.
import { Type } from '@fastify/type-provider-typebox'
import type { users } from '../../db/schema.js'
import { Id, Nullable, Timestamp } from '../../http/schemas.js'

type UserRow = typeof users.$inferSelect

export const UserSummary = Type.Object(
  {
    id: Id,
    username: Type.String(),
    displayName: Nullable(Type.String()),
    avatarUrl: Nullable(Type.String()),
  },
  { $id: 'UserSummary' },
)

export const PublicProfile = Type.Object(
  {
    id: Id,
    username: Type.String(),
    displayName: Nullable(Type.String()),
    bio: Nullable(Type.String()),
    avatarUrl: Nullable(Type.String()),
    role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
    createdAt: Timestamp,
    followersCount: Type.Integer(),
    followingCount: Type.Integer(),
    postsCount: Type.Integer(),
    isFollowing: Type.Boolean({ description: 'Whether the caller follows this user (false when anonymous).' }),
    isMe: Type.Boolean(),
    isPrivate: Type.Boolean({ description: 'Only approved followers see this account’s posts and lists.' }),
    followRequested: Type.Boolean({ description: 'The caller asked to follow this private account and awaits an answer.' }),
    followedBy: Type.Boolean({ description: 'This user follows the caller.' }),
    blocking: Type.Boolean({ description: 'The caller blocks this user (their posts stay hidden until unblocked).' }),
    muting: Type.Boolean({ description: 'The caller mutes this user.' }),
    canSeePosts: Type.Boolean({
      description:
        'Whether the caller may see this account’s posts and lists (false for a private account the caller does not follow, or one the caller blocks).',
    }),
  },
  { $id: 'PublicProfile' },
)

export const Me = Type.Object(
  {
    id: Id,
    email: Type.String(),
    emailVerified: Type.Boolean(),
    username: Type.String(),
    displayName: Nullable(Type.String()),
    bio: Nullable(Type.String()),
    avatarUrl: Nullable(Type.String()),
    role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
    hasPassword: Type.Boolean(),
    isPrivate: Type.Boolean(),
    allowMessagesFrom: Type.Union([Type.Literal('everyone'), Type.Literal('following')], {
      description: 'Who may start a conversation with this account: everyone, or only accounts it follows.',
    }),
    showSensitiveMedia: Type.Boolean({ description: 'Photos of sensitive posts are shown without hiding them first.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Me' },
)

export function presentSummary(u: Pick<UserRow, 'id' | 'username' | 'displayName' | 'avatarUrl'>) {
  return { id: u.id, username: u.username, displayName: u.displayName, avatarUrl: u.avatarUrl }
}

export function presentMe(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    emailVerified: u.emailVerifiedAt !== null,
    username: u.username,
    displayName: u.displayName,
    bio: u.bio,
    avatarUrl: u.avatarUrl,
    role: u.role,
    hasPassword: u.passwordHash !== null,
    isPrivate: u.isPrivate,
    allowMessagesFrom: u.allowMessagesFrom,
    // rows cached (Redis) before the setting existed lack it for up to their TTL
    showSensitiveMedia: u.showSensitiveMedia === true,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  }
}

/** Counts come from the counter columns, kept correct in the transaction of each follow / post. */
export interface ProfileRelationship {
  following: boolean
  requested: boolean
  followedBy: boolean
  blocking: boolean
  muting: boolean
  /** the viewer is an administrator (sees private accounts) */
  admin: boolean
}

export function presentProfile(u: UserRow, rel: ProfileRelationship, viewerId: number | undefined) {
  const isMe = viewerId === u.id
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    bio: u.bio,
    avatarUrl: u.avatarUrl,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
    followersCount: u.followersCount,
    followingCount: u.followingCount,
    postsCount: u.postsCount,
    isFollowing: rel.following,
    isMe,
    isPrivate: u.isPrivate,
    followRequested: rel.requested,
    followedBy: rel.followedBy,
    blocking: rel.blocking,
    muting: rel.muting,
    canSeePosts: isMe || (!rel.blocking && (!u.isPrivate || rel.following || rel.admin)),
  }
}
