import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose'

export interface AccessClaims {
  userId: number
  sessionToken: string
}

export class TokenService {
  private readonly key: Uint8Array
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
  async verify(token: string): Promise<AccessClaims | 'expired' | 'invalid'> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.issuer,
        audience: this.issuer,
        typ: 'at+jwt',
      })
      const userId = Number(payload.sub)
      if (!Number.isSafeInteger(userId) || typeof payload.sid !== 'string') return 'invalid'
      return { userId, sessionToken: payload.sid }
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
