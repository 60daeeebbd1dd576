// Presentation: pure functions from rows to the API's shapes. No I/O here.
import { Type } from '@fastify/type-provider-typebox'
import { Timestamp } from '../../http/schemas.js'
import { presentSummary, UserSummary } from '../users/index.js'

export const LikeState = Type.Object({
  liked: Type.Boolean(),
  likeCount: Type.Integer(),
})

export const Liker = Type.Object({ ...UserSummary.properties, likedAt: Timestamp }, { description: 'A user who liked the post.' })

export function presentLiker(r: { id: number; username: string; displayName: string | null; avatarUrl: string | null; likedAt: Date }) {
  return { ...presentSummary(r), likedAt: r.likedAt.toISOString() }
}
