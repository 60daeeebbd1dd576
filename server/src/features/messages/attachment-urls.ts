// Attachment URLs: `<img src>` cannot send a Bearer token, so each URL handed to a participant
// carries an HMAC over (message, viewer, expiry). Anyone else gets nothing from guessing or
// editing it, and it stops working when it expires. With a Bearer token the bare path works too.
import { createHmac, timingSafeEqual } from 'node:crypto'

/** URLs live at least this long... */
const TTL_SECONDS = 3600
/** ...and expiries are rounded up to this step, so repeated reads hand out the same (cacheable) URL. */
const STEP_SECONDS = 600

export interface SignedParams {
  u: number
  exp: number
  sig: string
}

export class AttachmentUrls {
  private readonly key: Buffer

  constructor(
    secret: string,
    private readonly baseUrl: string,
  ) {
    // A key of its own, so these signatures can never be confused with access tokens.
    this.key = createHmac('sha256', secret).update('hearth:attachment-url:v1').digest()
  }

  path(messageId: number): string {
    return `/api/hearth/v1/messages/${messageId}/attachment`
  }

  /** The URL `viewerId` (a participant) loads the attachment of `messageId` from. */
  url(messageId: number, viewerId: number, now = Date.now()): string {
    const exp = Math.ceil((now / 1000 + TTL_SECONDS) / STEP_SECONDS) * STEP_SECONDS
    return `${this.baseUrl}${this.path(messageId)}?u=${viewerId}&exp=${exp}&sig=${this.sign(messageId, viewerId, exp)}`
  }

  /** The viewer the signature was made for, or null when it is forged, altered or expired. */
  verify(messageId: number, p: SignedParams, now = Date.now()): number | null {
    if (p.exp * 1000 <= now) return null
    const expected = Buffer.from(this.sign(messageId, p.u, p.exp))
    const given = Buffer.from(p.sig)
    return expected.length === given.length && timingSafeEqual(expected, given) ? p.u : null
  }

  private sign(messageId: number, viewerId: number, exp: number): string {
    return createHmac('sha256', this.key).update(`${messageId}.${viewerId}.${exp}`).digest('base64url')
  }
}
