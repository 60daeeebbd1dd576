// Mastodon's entities as JSON Schemas, written from docs.joinmastodon.org/entities (4.3): the
// attributes each entity documents, with their types and nullability. They are kept apart from
// the server's code on purpose: the server presents, these check what a client would expect.
import { Value } from 'typebox/value'
import { expect } from 'vitest'

const str = { type: 'string' }
const nstr = { type: ['string', 'null'] }
const int = { type: 'integer', minimum: 0 }
const bool = { type: 'boolean' }
const arr = (items: object = {}) => ({ type: 'array', items })
const idStr = { type: 'string', pattern: '^[0-9]+$' }
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' }
const obj = (properties: Record<string, object>, extra: object = {}) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  ...extra,
})

const Field = obj({ name: str, value: str, verified_at: nstr })
const CustomEmoji = obj({ shortcode: str, url: str, static_url: str, visible_in_picker: bool })

export const Account = obj({
  id: idStr,
  username: str,
  acct: str,
  url: str,
  display_name: str,
  note: str,
  avatar: str,
  avatar_static: str,
  header: str,
  header_static: str,
  locked: bool,
  fields: arr(Field),
  emojis: arr(CustomEmoji),
  bot: bool,
  group: bool,
  discoverable: { type: ['boolean', 'null'] },
  created_at: date,
  last_status_at: nstr,
  statuses_count: int,
  followers_count: int,
  following_count: int,
})

export const CredentialAccount = {
  allOf: [
    Account,
    obj({
      source: obj({
        note: str,
        fields: arr(Field),
        privacy: { enum: ['public', 'unlisted', 'private', 'direct'] },
        sensitive: bool,
        language: nstr,
        follow_requests_count: int,
      }),
      role: obj({ id: str, name: str, color: str, permissions: str, highlighted: bool }),
    }),
  ],
}

const Size = obj({ width: int, height: int })
export const MediaAttachment = obj({
  id: idStr,
  type: { enum: ['unknown', 'image', 'gifv', 'video', 'audio'] },
  url: str,
  preview_url: nstr,
  remote_url: nstr,
  meta: { type: 'object', properties: { original: Size, small: Size } },
  description: nstr,
  blurhash: nstr,
})

export const Status = obj({
  id: idStr,
  uri: str,
  url: nstr,
  created_at: date,
  account: Account,
  content: str,
  visibility: { enum: ['public', 'unlisted', 'private', 'direct'] },
  sensitive: bool,
  spoiler_text: str,
  media_attachments: arr(MediaAttachment),
  application: { type: ['object', 'null'] },
  mentions: arr(obj({ id: idStr, username: str, url: str, acct: str })),
  tags: arr(obj({ name: str, url: str })),
  emojis: arr(CustomEmoji),
  reblogs_count: int,
  favourites_count: int,
  replies_count: int,
  in_reply_to_id: { oneOf: [idStr, { type: 'null' }] },
  in_reply_to_account_id: { oneOf: [idStr, { type: 'null' }] },
  reblog: { type: ['object', 'null'] },
  poll: { type: ['object', 'null'] },
  card: { type: ['object', 'null'] },
  language: nstr,
  edited_at: { oneOf: [date, { type: 'null' }] },
  favourited: bool,
  reblogged: bool,
  muted: bool,
  bookmarked: bool,
  pinned: bool,
})

export const Relationship = obj({
  id: idStr,
  following: bool,
  showing_reblogs: bool,
  notifying: bool,
  followed_by: bool,
  blocking: bool,
  blocked_by: bool,
  muting: bool,
  muting_notifications: bool,
  requested: bool,
  requested_by: bool,
  domain_blocking: bool,
  endorsed: bool,
  note: str,
})

export const Application = obj({ name: str, website: nstr, scopes: arr(str), redirect_uris: arr(str) })
export const CredentialApplication = {
  allOf: [Application, obj({ id: idStr, client_id: str, client_secret: str, redirect_uri: str })],
}

export const Token = obj({ access_token: str, token_type: { const: 'Bearer' }, scope: str, created_at: int })

const Limits = obj({
  statuses: obj({ max_characters: int, max_media_attachments: int, characters_reserved_per_url: int }),
  media_attachments: obj({ supported_mime_types: arr(str), image_size_limit: int, image_matrix_limit: int }),
  polls: { type: 'object' },
})

export const InstanceV2 = obj({
  domain: str,
  title: str,
  version: { type: 'string', pattern: '^4\\.3\\.0 \\(compatible; Hearth [0-9.]+' },
  source_url: str,
  description: str,
  usage: obj({ users: obj({ active_month: int }) }),
  thumbnail: obj({ url: str }),
  languages: arr(str),
  configuration: {
    allOf: [Limits, obj({ urls: obj({ streaming: str }), accounts: { type: 'object' }, translation: obj({ enabled: bool }) })],
  },
  registrations: obj({ enabled: bool, approval_required: bool, message: nstr }),
  contact: obj({ email: str, account: { type: ['object', 'null'] } }),
  rules: arr(),
})

export const InstanceV1 = obj({
  uri: str,
  title: str,
  short_description: str,
  description: str,
  email: str,
  version: str,
  urls: obj({ streaming_api: str }),
  stats: obj({ user_count: int, status_count: int, domain_count: int }),
  thumbnail: nstr,
  languages: arr(str),
  registrations: bool,
  approval_required: bool,
  invites_enabled: bool,
  configuration: Limits,
  contact_account: { type: ['object', 'null'] },
  rules: arr(),
})

export const NodeInfo = obj({
  version: { enum: ['2.0', '2.1'] },
  software: obj({ name: { type: 'string', pattern: '^[a-z0-9-]+$' }, version: str }),
  protocols: arr(str),
  services: obj({ inbound: arr(), outbound: arr() }),
  openRegistrations: bool,
  usage: obj({ users: { type: 'object' } }),
  metadata: { type: 'object' },
})

/** Fails the test naming each attribute that breaks `schema` (TypeBox checks plain JSON Schema). */
export function expectEntity(schema: object, value: unknown, label = 'entity') {
  const errors = Value.Check(schema as never, value)
    ? []
    : [...Value.Errors(schema as never, value)].map((e) => `${label}${e.instancePath} ${e.message}`)
  expect(errors).toEqual([])
}
