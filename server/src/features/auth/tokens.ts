import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose'

export interface AccessClaims {
  userId: number
  sessionToken: string
}

/** What a verified access token says, with when it stops being accepted (ms since the epoch). */
export interface VerifiedClaims extends AccessClaims {
  expiresAtMs: number
}

// Verified access tokens, remembered until they expire: a client sends the same token for its
// whole 15 minutes, and an HMAC check through WebCrypto (key import + verify) was ~17% of a
// signed-in GET's CPU. The session is still checked on every request, so revocation is unaffected.
const VERIFIED_MAX = 20_000

export class TokenService {
  private readonly key: Uint8Array
  private readonly verified = new Map<string, VerifiedClaims>()
  constructor(
    secret: string,
    readonly accessTtlSeconds: number,
    private readonly issuer: string,
  ) {
    this.key = new TextEncoder().encode(secret)
  }

  sign(claims: AccessClaims): Promise<string> {
    return new SignJWT({ sid: claims.sessionToken })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .setSubject(String(claims.userId))
      .setIssuer(this.issuer)
      .setAudience(this.issuer)
      .setIssuedAt()
      .setExpirationTime(`${this.accessTtlSeconds}s`)
      .sign(this.key)
  }

  /** Returns the claims, or a reason the token is refused. */
  async verify(token: string): Promise<VerifiedClaims | 'expired' | 'invalid'> {
    const known = this.verified.get(token)
    if (known) {
      if (known.expiresAtMs > Date.now()) return known
      this.verified.delete(token)
      return 'expired'
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.issuer,
        audience: this.issuer,
        typ: 'at+jwt',
      })
      const userId = Number(payload.sub)
      if (!Number.isSafeInteger(userId) || typeof payload.sid !== 'string') return 'invalid'
      const claims = { userId, sessionToken: payload.sid, expiresAtMs: (payload.exp ?? 0) * 1000 }
      if (this.verified.size >= VERIFIED_MAX) {
        // Maps iterate in insertion order: drop the oldest tenth at once.
        let n = VERIFIED_MAX / 10
        for (const k of this.verified.keys()) {
          this.verified.delete(k)
          if (--n <= 0) break
        }
      }
      this.verified.set(token, claims)
      return claims
    } catch (e) {
      return e instanceof joseErrors.JWTExpired ? 'expired' : 'invalid'
    }
  }
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url')
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

export function sameHash(a: string, b: string): boolean {
  const ba = Buffer.from(a)
  const bb = Buffer.from(b)
  return ba.length === bb.length && timingSafeEqual(ba, bb)
}

/** A refresh token names its session and carries a secret: `<sessionToken>.<secret>`. */
export function newRefreshToken(sessionToken: string): string {
  return `${sessionToken}.${randomToken(32)}`
}

export function parseRefreshToken(token: string): { sessionToken: string } | null {
  const m = /^([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{32,64})$/.exec(token)
  return m ? { sessionToken: m[1]! } : null
}
