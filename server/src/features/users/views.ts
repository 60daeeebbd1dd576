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
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  }
}

/** Counts come from the counter columns, kept correct in the transaction of each follow / post. */
export function presentProfile(u: UserRow, isFollowing: boolean, viewerId: number | undefined) {
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
    isFollowing,
    isMe: viewerId === u.id,
  }
}
