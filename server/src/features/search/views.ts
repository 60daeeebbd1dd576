// Presentation of search: people and posts are the usual UserSummary and Post objects; only the
// combined answer (a few of each kind, no cursors) is search's own.
import { Type } from '@fastify/type-provider-typebox'

/** Longest query accepted, in characters: a search is a few words, not a document. */
export const MAX_QUERY_CHARS = 200
/** How many of each kind the combined answer (no `type`) holds. */
export const PREVIEW_SIZE = 5

export const SearchType = Type.Union([Type.Literal('users'), Type.Literal('tags'), Type.Literal('posts')])

export const SearchTag = Type.Object({ name: Type.String(), postCount: Type.Integer() })

// By reference: UserSummary and Post are registered once (app.ts) and appear in several branches of the answer.
export const UserRef = Type.Ref('UserSummary')
export const PostRef = Type.Ref('Post')

export const SearchAll = Type.Object(
  {
    users: Type.Array(UserRef),
    tags: Type.Array(SearchTag),
    posts: Type.Array(PostRef),
  },
  { description: `Without \`type\`: the first ${PREVIEW_SIZE} of each kind; ask again with a \`type\` for pages of one.` },
)
