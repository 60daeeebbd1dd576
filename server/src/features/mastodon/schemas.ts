// Shared bits of the Mastodon routes' schemas. Bodies stay open (additionalProperties unset):
// real clients send fields Hearth has no use for (language, poll, visibility, ...).
import { Type } from '@fastify/type-provider-typebox'
import { recordNotFound } from './service.js'

/** OpenAPI tags of the Mastodon-compatible API, apart from the native API's. */
export const tag = (area: string) => [`mastodon: ${area}`]

/** The OAuth scope a route needs, for the OpenAPI document. */
export const oauth = (scope: string) => [{ mastodonOAuth: [scope] }]

export const IdPath = Type.Object({ id: Type.String({ maxLength: 40 }) })

/** Mastodon ids are strings; Hearth's are integers. Anything else names nothing. */
export function numericId(id: string): number {
  if (!/^[0-9]{1,10}$/.test(id) || Number(id) > 2_147_483_647 || Number(id) < 1) throw recordNotFound()
  return Number(id)
}

/** Booleans as forms send them ("true", "1", "on") as well as JSON's. */
export const Flag = Type.Union([Type.Boolean(), Type.String()])
export const flag = (v: boolean | string | undefined) => v === true || v === 'true' || v === '1' || v === 'on'
