// Presentation: the saved list is made of Post objects (posts/views.ts); only the toggle's answer is ours.
import { Type } from '@fastify/type-provider-typebox'

export const BookmarkState = Type.Object({ bookmarked: Type.Boolean() })
