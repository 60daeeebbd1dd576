// Signed URLs: an `<img src>` cannot send a Bearer token, so a URL handed to one viewer carries an
// HMAC over what it grants (`<payload>.<exp>`) and its expiry. Anyone else gets nothing from guessing
// or editing it, and it stops working when it expires.
import { createHmac, timingSafeEqual } from 'node:crypto'

export interface SignedUrlTiming {
  /** URLs live at least this long... */
  ttlSeconds: number
  /** ...and expiries are rounded up to this step, so repeated reads hand out the same (cacheable) URL. */
  stepSeconds: number
}

const defaultTiming: SignedUrlTiming = { ttlSeconds: 3600, stepSeconds: 600 }

export class UrlSigner {
  private readonly key: Buffer
  private readonly timing: SignedUrlTiming

  /**
   * `purpose` names the kind of URL (`hearth:<kind>:v1`): each kind signs with a key of its own,
   * so its signatures can never pass for another kind's, or for access tokens.
   */
  constructor(secret: string, purpose: string, timing: Partial<SignedUrlTiming> = {}) {
    this.key = createHmac('sha256', secret).update(purpose).digest()
    this.timing = { ...defaultTiming, ...timing }
  }

  /** An expiry (seconds since the epoch) and the signature of `payload` until then. */
  sign(payload: string, now = Date.now()): { exp: number; sig: string } {
    const { ttlSeconds, stepSeconds } = this.timing
    const exp = Math.ceil((now / 1000 + ttlSeconds) / stepSeconds) * stepSeconds
    return { exp, sig: this.mac(payload, exp) }
  }

  /** Whether `sig` was made here for `payload` and `exp`, and `exp` has not passed. */
  verify(payload: string, exp: number, sig: string, now = Date.now()): boolean {
    if (!Number.isFinite(exp) || exp * 1000 <= now) return false
    const expected = Buffer.from(this.mac(payload, exp))
    const given = Buffer.from(sig)
    return expected.length === given.length && timingSafeEqual(expected, given)
  }

  private mac(payload: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${payload}.${exp}`).digest('base64url')
  }
}
