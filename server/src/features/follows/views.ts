// Presentation: pure functions from rows to the API's shapes. No I/O here.
import { Type } from '@fastify/type-provider-typebox'
import { Id, Timestamp } from '../../http/schemas.js'
import { presentSummary, UserSummary } from '../users/index.js'

export const FollowState = Type.Object({
  userId: Id,
  state: Type.Union([Type.Literal('following'), Type.Literal('requested'), Type.Literal('none')], {
    description: '`requested` when the account is private and the request awaits its owner’s answer.',
  }),
  isFollowing: Type.Boolean(),
  followersCount: Type.Integer({ description: 'The followed user’s follower count after the change.' }),
})

export const FollowListUser = Type.Object(
  {
    ...UserSummary.properties,
    followedAt: Timestamp,
    isFollowing: Type.Boolean({ description: 'Whether the caller follows this user (false when anonymous).' }),
  },
  { description: 'A user in a followers / following list.' },
)

export function presentFollowListUser(
  r: { id: number; username: string; displayName: string | null; avatarUrl: string | null; followedAt: Date },
  isFollowing: boolean,
) {
  return { ...presentSummary(r), followedAt: r.followedAt.toISOString(), isFollowing }
}

export const FollowRequester = Type.Object(
  { ...UserSummary.properties, requestedAt: Timestamp },
  { description: 'Someone asking to follow the caller’s private account.' },
)

export function presentRequester(r: {
  id: number
  username: string
  displayName: string | null
  avatarUrl: string | null
  requestedAt: Date
}) {
  return { ...presentSummary(r), requestedAt: r.requestedAt.toISOString() }
}
