// Presentation: pure functions from rows to the API's shapes. No I/O here.
import { Type } from '@fastify/type-provider-typebox'
import { Id, Timestamp } from '../../http/schemas.js'
import { presentSummary, UserSummary } from '../users/index.js'

export const Relationship = Type.Object(
  {
    id: Id,
    following: Type.Boolean({ description: 'The caller follows this user (an approved follow).' }),
    requested: Type.Boolean({ description: 'The caller asked to follow this private account and awaits an answer.' }),
    followedBy: Type.Boolean({ description: 'This user follows the caller.' }),
    blocking: Type.Boolean({ description: 'The caller blocks this user.' }),
    blockedBy: Type.Boolean({
      description: 'This user blocks the caller. Always false in answers: a user who blocks the caller is not found.',
    }),
    muting: Type.Boolean({ description: 'The caller mutes this user.' }),
  },
  { $id: 'Relationship' },
)

export const ListedUser = Type.Object(
  { ...UserSummary.properties, since: Timestamp },
  { description: 'A user in the caller’s blocked or muted list, with when the block or mute was made.' },
)

export function presentListedUser(r: { id: number; username: string; displayName: string | null; avatarUrl: string | null; since: Date }) {
  return { ...presentSummary(r), since: r.since.toISOString() }
}
