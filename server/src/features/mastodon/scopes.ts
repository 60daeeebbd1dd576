// OAuth scopes as Mastodon defines them (docs.joinmastodon.org/api/oauth-scopes): the top-level
// `read`, `write`, `follow`, `push`, and the granular `read:statuses` and so on. A top-level scope
// grants its granular ones; the legacy `follow` grants reading and writing follows, blocks and mutes.
import { AppError } from '../../http/errors.js'

const GRANULAR = {
  read: ['accounts', 'blocks', 'bookmarks', 'favourites', 'filters', 'follows', 'lists', 'mutes', 'notifications', 'search', 'statuses'],
  write: [
    'accounts',
    'blocks',
    'bookmarks',
    'conversations',
    'favourites',
    'filters',
    'follows',
    'lists',
    'media',
    'mutes',
    'notifications',
    'reports',
    'statuses',
  ],
} as const

const TOP = ['read', 'write', 'follow', 'push', 'profile'] as const

export const ALL_SCOPES: string[] = [
  ...TOP,
  ...GRANULAR.read.map((s) => `read:${s}`),
  ...GRANULAR.write.map((s) => `write:${s}`),
  'admin:read',
  'admin:write',
]

const FOLLOW_GRANTS = new Set(['read:follows', 'write:follows', 'read:blocks', 'write:blocks', 'read:mutes', 'write:mutes'])

/** Scopes as Mastodon takes them: space-separated (a form's `+` already decoded); `read` when none. */
export function parseScopes(value: string | undefined | null): string[] {
  const list = (value ?? '').split(/[\s+]+/).filter(Boolean)
  return list.length === 0 ? ['read'] : [...new Set(list)]
}

export const knownScope = (s: string) => ALL_SCOPES.includes(s)

/** Whether `granted` (space-separated) covers `needed`, e.g. `read:statuses`. */
export function covers(granted: readonly string[], needed: string): boolean {
  if (granted.includes(needed)) return true
  const top = needed.split(':')[0]!
  if (top !== needed && granted.includes(top)) return true
  return granted.includes('follow') && FOLLOW_GRANTS.has(needed)
}

/** Whether every requested scope is one the app registered (granted by covering, as Mastodon does). */
export const withinApp = (appScopes: readonly string[], requested: readonly string[]) => requested.every((s) => covers(appScopes, s))

export const outsideScopes = () => new AppError(403, 'outside_scopes', 'This action is outside the authorized scopes')
