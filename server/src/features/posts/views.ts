// Presentation: pure functions from rows to the API's shapes. No I/O here.
import { Type, type Static } from '@fastify/type-provider-typebox'
import { Id, Timestamp } from '../../http/schemas.js'
import { UserSummary } from '../users/index.js'

export const MAX_POST_CHARS = 5000
export const MAX_ALT_CHARS = 1500
export const MAX_SPOILER_CHARS = 500

export const PostImage = Type.Object(
  {
    url: Type.String({ description: 'Display size, longest side ≤ 1080 px.' }),
    width: Type.Integer(),
    height: Type.Integer(),
    thumbUrl: Type.String({ description: 'About 320 px, for grids.' }),
    thumbWidth: Type.Integer(),
    thumbHeight: Type.Integer(),
    placeholder: Type.String({ description: 'ThumbHash (base64) to paint a blurred preview before the image loads.' }),
    alt: Type.Union([Type.String(), Type.Null()], {
      description: `The author's description of the photo (up to ${MAX_ALT_CHARS} characters), null when none was given.`,
    }),
  },
  { $id: 'PostImage', description: 'A photo of a post, re-encoded and stripped of metadata.' },
)

export const Post = Type.Object(
  {
    id: Id,
    author: UserSummary,
    content: Type.String({ description: `Up to ${MAX_POST_CHARS} characters; empty when the post has images.` }),
    images: Type.Array(PostImage),
    likeCount: Type.Integer(),
    commentCount: Type.Integer(),
    likedByMe: Type.Boolean({ description: 'false when anonymous' }),
    bookmarkedByMe: Type.Boolean({ description: 'The viewer saved this post; false when anonymous.' }),
    sensitive: Type.Boolean({ description: 'A content warning: clients hide the photos until asked (see showSensitiveMedia).' }),
    spoilerText: Type.Union([Type.String(), Type.Null()], { description: 'The content warning’s text, null when none.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    edited: Type.Boolean({ description: 'The content was changed after posting.' }),
  },
  { $id: 'Post' },
)

export type PresentedImage = {
  url: string
  width: number
  height: number
  thumbUrl: string
  thumbWidth: number
  thumbHeight: number
  placeholder: string
  alt: string | null
}

/**
 * posts.image_urls holds the media pipeline's StoredImage objects; their storage `keys` are
 * internal and never leave the server. Entries of another shape are skipped, not guessed at.
 */
export function presentImages(stored: unknown): PresentedImage[] {
  if (!Array.isArray(stored)) return []
  const out: PresentedImage[] = []
  for (const s of stored) {
    if (!s || typeof s !== 'object') continue
    const i = s as Record<string, unknown>
    if (typeof i.url !== 'string') continue
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : 0)
    out.push({
      url: i.url,
      width: num(i.width),
      height: num(i.height),
      thumbUrl: typeof i.thumbUrl === 'string' ? i.thumbUrl : i.url,
      thumbWidth: num(i.thumbWidth ?? i.width),
      thumbHeight: num(i.thumbHeight ?? i.height),
      placeholder: typeof i.placeholder === 'string' ? i.placeholder : '',
      alt: typeof i.alt === 'string' && i.alt !== '' ? i.alt : null,
    })
  }
  return out
}

/** A post as the API shows it; built from a page statement's rows in page.ts. */
export type PresentedPost = Static<typeof Post>
