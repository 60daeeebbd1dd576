// One-click unsubscribe links (RFC 8058) in notification emails. The token names the user and the
// types of notification the email was about, and carries an HMAC (lib/signed-url.ts): no sign-in
// is needed, nobody can make one for another user or another type, and it works for a year (an
// old email's link should still work). Using it twice changes nothing more: it only turns email off.
import { UrlSigner } from '../../lib/signed-url.js'
import type { NotificationType } from './notify.js'
import { isNotificationType, NOTIFICATION_TYPES } from './settings.js'

export const UNSUBSCRIBE_PATH = '/api/hearth/v1/notifications/unsubscribe'
const TTL_SECONDS = 365 * 86_400

export interface UnsubscribeGrant {
  userId: number
  types: NotificationType[]
}

export class UnsubscribeTokens {
  private readonly signer: UrlSigner

  constructor(secret: string) {
    // a day's step: every email of a day carries the same link
    this.signer = new UrlSigner(secret, 'hearth:unsubscribe:v1', { ttlSeconds: TTL_SECONDS, stepSeconds: 86_400 })
  }

  /** `<user>.<type>-<type>.<exp>.<sig>`; the types in a fixed order, once each. */
  token(userId: number, types: readonly NotificationType[], now = Date.now()): string {
    const payload = `${userId}.${NOTIFICATION_TYPES.filter((t) => types.includes(t)).join('-')}`
    const { exp, sig } = this.signer.sign(payload, now)
    return `${payload}.${exp}.${sig}`
  }

  url(publicUrl: string, userId: number, types: readonly NotificationType[], now = Date.now()): string {
    return `${publicUrl}${UNSUBSCRIBE_PATH}?token=${this.token(userId, types, now)}`
  }

  /** What the token grants, or null when it is garbled, forged, altered or expired. */
  read(token: string, now = Date.now()): UnsubscribeGrant | null {
    const m = /^([1-9]\d{0,9})\.([a-z_]+(?:-[a-z_]+)*)\.(\d{1,12})\.([\w-]{43})$/.exec(token)
    if (!m) return null
    const [, user, typeList, exp, sig] = m
    if (!this.signer.verify(`${user}.${typeList}`, Number(exp), sig!, now)) return null
    const types = typeList!.split('-')
    if (!types.every(isNotificationType)) return null
    return { userId: Number(user), types }
  }
}
