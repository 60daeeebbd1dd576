// Presentation: Hearth's users and posts (as the native read path presents them) as Mastodon
// entities (docs.joinmastodon.org/entities). Pure functions, no I/O. Ids are strings.
import type { Relationship as HearthRelationship } from '../visibility/index.js'
import type { AccountRow, AppRow } from './queries.js'

/** The native post as posts/page.ts presents it. */
export interface HearthPost {
  id: number
  author: { id: number; username: string; displayName: string | null; avatarUrl: string | null }
  content: string
  images: {
    url: string
    width: number
    height: number
    thumbUrl: string
    thumbWidth: number
    thumbHeight: number
    placeholder: string
    alt: string | null
  }[]
  likeCount: number
  commentCount: number
  likedByMe: boolean
  bookmarkedByMe: boolean
  sensitive: boolean
  spoilerText: string | null
  createdAt: string
  updatedAt: string
  edited: boolean
}

export interface Site {
  publicUrl: string
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

export const profileUrl = (site: Site, username: string) => `${site.publicUrl}/@${username}`
export const postUrl = (site: Site, id: number) => `${site.publicUrl}/p/${id}`
const tagUrl = (site: Site, tag: string) => `${site.publicUrl}/tags/${encodeURIComponent(tag)}`
/** Mastodon always gives an image URL; Hearth's accounts without a photo get the site's icon. */
const defaultAvatar = (site: Site) => `${site.publicUrl}/favicon.svg`

// Links, mentions and hashtags, in one pass so none is found inside another.
const TOKEN = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])|(^|[^\w@/])@([A-Za-z0-9_]{1,50})\b|(^|[^\w&#/])#([\p{L}\p{N}_]{1,100})/gu

function linkify(text: string, site: Site): string {
  let out = ''
  let last = 0
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index
    out += escapeHtml(text.slice(last, start))
    if (m[1]) {
      const href = escapeHtml(m[1])
      const shown = escapeHtml(m[1].replace(/^https?:\/\//, ''))
      out += `<a href="${href}" rel="nofollow noopener" target="_blank"><span class="invisible">${escapeHtml(m[1].startsWith('https') ? 'https://' : 'http://')}</span><span>${shown}</span></a>`
    } else if (m[3]) {
      out += escapeHtml(m[2]!)
      out += `<span class="h-card" translate="no"><a href="${escapeHtml(profileUrl(site, m[3]))}" class="u-url mention">@<span>${escapeHtml(m[3])}</span></a></span>`
    } else {
      out += escapeHtml(m[4]!)
      out += `<a href="${escapeHtml(tagUrl(site, m[5]!))}" class="mention hashtag" rel="tag">#<span>${escapeHtml(m[5]!)}</span></a>`
    }
    last = start + m[0].length
  }
  return out + escapeHtml(text.slice(last))
}

/** Plain text as Mastodon's HTML: paragraphs at blank lines, `<br>` at line breaks, escaped and linkified. */
export function toHtml(text: string, site: Site): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
  return paragraphs
    .map(
      (p) =>
        `<p>${p
          .split('\n')
          .map((l) => linkify(l, site))
          .join('<br />')}</p>`,
    )
    .join('')
}

/** Hashtags named in a text, lowercased, for Status.tags. */
export function hashtagsOf(text: string): string[] {
  const tags = new Set<string>()
  for (const m of text.matchAll(TOKEN)) if (m[5]) tags.add(m[5].toLowerCase())
  return [...tags]
}

export function presentAccount(a: AccountRow, site: Site) {
  const avatar = a.avatarUrl ?? defaultAvatar(site)
  return {
    id: String(a.id),
    username: a.username,
    acct: a.username,
    url: profileUrl(site, a.username),
    uri: profileUrl(site, a.username),
    display_name: a.displayName ?? '',
    note: a.bio ? toHtml(a.bio, site) : '',
    avatar,
    avatar_static: avatar,
    header: '',
    header_static: '',
    locked: a.isPrivate,
    fields: [],
    emojis: [],
    bot: false,
    group: false,
    discoverable: !a.isPrivate,
    indexable: !a.isPrivate,
    hide_collections: a.isPrivate,
    noindex: a.isPrivate,
    created_at: a.createdAt.toISOString(),
    last_status_at: null,
    statuses_count: a.postsCount,
    followers_count: a.followersCount,
    following_count: a.followingCount,
    roles: [],
  }
}

/** verify_credentials: the account with its `source` and `role` (CredentialAccount). */
export function presentCredentialAccount(a: AccountRow, site: Site, followRequestsCount: number) {
  return {
    ...presentAccount(a, site),
    source: {
      privacy: a.isPrivate ? 'private' : 'public',
      sensitive: false,
      language: null,
      note: a.bio ?? '',
      fields: [],
      follow_requests_count: followRequestsCount,
      hide_collections: a.isPrivate,
      discoverable: !a.isPrivate,
      indexable: !a.isPrivate,
    },
    role:
      a.role === 'admin'
        ? { id: '3', name: 'Admin', color: '', permissions: '1', highlighted: true }
        : { id: '-99', name: '', color: '', permissions: '0', highlighted: false },
  }
}

export function presentMediaAttachments(post: HearthPost) {
  return post.images.map((img, i) => ({
    // Hearth's photos belong to their post and have no id of their own.
    id: `${post.id}${String(i).padStart(2, '0')}`,
    type: 'image' as const,
    url: img.url,
    preview_url: img.thumbUrl,
    remote_url: null,
    preview_remote_url: null,
    text_url: null,
    meta: {
      original: {
        width: img.width,
        height: img.height,
        size: `${img.width}x${img.height}`,
        aspect: img.height ? img.width / img.height : 1,
      },
      small: {
        width: img.thumbWidth,
        height: img.thumbHeight,
        size: `${img.thumbWidth}x${img.thumbHeight}`,
        aspect: img.thumbHeight ? img.thumbWidth / img.thumbHeight : 1,
      },
    },
    description: img.alt,
    // Not computed yet: Hearth stores a ThumbHash (a BlurHash at upload is still to do).
    blurhash: null,
  }))
}

export function presentStatus(post: HearthPost, account: AccountRow, site: Site) {
  return {
    id: String(post.id),
    uri: postUrl(site, post.id),
    url: postUrl(site, post.id),
    created_at: post.createdAt,
    edited_at: post.edited ? post.updatedAt : null,
    account: presentAccount(account, site),
    content: toHtml(post.content, site),
    visibility: account.isPrivate ? ('private' as const) : ('public' as const),
    sensitive: post.sensitive,
    spoiler_text: post.spoilerText ?? '',
    media_attachments: presentMediaAttachments(post),
    application: null,
    mentions: [],
    tags: hashtagsOf(post.content).map((name) => ({ name, url: tagUrl(site, name) })),
    emojis: [],
    reblogs_count: 0,
    favourites_count: post.likeCount,
    replies_count: post.commentCount,
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    reblog: null,
    poll: null,
    card: null,
    language: null,
    text: null,
    favourited: post.likedByMe,
    reblogged: false,
    muted: false,
    bookmarked: post.bookmarkedByMe,
    pinned: false,
    filtered: [],
  }
}

export function presentRelationship(id: number, r: HearthRelationship) {
  return {
    id: String(id),
    following: r.following,
    showing_reblogs: r.following,
    notifying: false,
    languages: null,
    followed_by: r.followedBy,
    blocking: r.blocking,
    blocked_by: r.blockedBy,
    muting: r.muting,
    muting_notifications: r.muting,
    requested: r.requested,
    requested_by: false,
    domain_blocking: false,
    endorsed: false,
    note: '',
  }
}

export function presentApplication(app: AppRow, secrets?: { clientSecret: string }) {
  return {
    id: String(app.id),
    name: app.name,
    website: app.website,
    scopes: app.scopes.split(' '),
    redirect_uri: app.redirectUris,
    redirect_uris: app.redirectUris.split(/\s+/),
    vapid_key: '',
    ...(secrets ? { client_id: app.clientId, client_secret: secrets.clientSecret, client_secret_expires_at: 0 } : {}),
  }
}
