// Attachment URLs: `<img src>` cannot send a Bearer token, so each URL handed to a participant
// carries an HMAC over (message, viewer, expiry) (lib/signed-url.ts). Anyone else gets nothing from
// guessing or editing it, and it stops working when it expires. With a Bearer token the bare path
// works too.
import { UrlSigner } from '../../lib/signed-url.js'

export interface SignedParams {
  u: number
  exp: number
  sig: string
}

export class AttachmentUrls {
  private readonly signer: UrlSigner

  constructor(
    secret: string,
    private readonly baseUrl: string,
  ) {
    this.signer = new UrlSigner(secret, 'hearth:attachment-url:v1')
  }

  path(messageId: number): string {
    return `/api/hearth/v1/messages/${messageId}/attachment`
  }

  /** The URL `viewerId` (a participant) loads the attachment of `messageId` from. */
  url(messageId: number, viewerId: number, now = Date.now()): string {
    const { exp, sig } = this.signer.sign(`${messageId}.${viewerId}`, now)
    return `${this.baseUrl}${this.path(messageId)}?u=${viewerId}&exp=${exp}&sig=${sig}`
  }

  /** The viewer the signature was made for, or null when it is forged, altered or expired. */
  verify(messageId: number, p: SignedParams, now = Date.now()): number | null {
    return this.signer.verify(`${messageId}.${p.u}`, p.exp, p.sig, now) ? p.u : null
  }
}
