// Presentation: a tag's page header, the follow toggle's answer and the trending list. Tag pages
// list Post objects (posts/views.ts).
import { Type } from '@fastify/type-provider-typebox'

export const Tag = Type.Object({
  name: Type.String({ description: 'The normalised name (NFKC, lower case), without the `#`.' }),
  postCount: Type.Integer({ description: 'Live posts carrying the tag.' }),
  following: Type.Boolean({ description: 'Whether the caller follows the tag (false when anonymous).' }),
})

export const TagFollowState = Type.Object({ name: Type.String(), following: Type.Boolean() })

export const TrendingTag = Type.Object({
  name: Type.String(),
  people: Type.Integer({ description: 'Distinct people who used the tag in the window, in posts everyone may see.' }),
})
export const TrendingList = Type.Object({ window: Type.Union([Type.Literal('day'), Type.Literal('week')]), items: Type.Array(TrendingTag) })
