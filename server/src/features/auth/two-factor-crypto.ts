// The secrets of two-factor sign-in, kept so that a copy of the database alone gives nothing away.
// Every key is derived from JWT_SECRET with a purpose of its own (as lib/signed-url.ts does), so
// no key can pass for another. Rotating JWT_SECRET therefore also makes stored authenticator
// secrets and recovery codes unusable: the README says so.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt } from 'node:crypto'
import { UrlSigner } from '../../lib/signed-url.js'

const derive = (secret: string, purpose: string) => createHmac('sha256', secret).update(purpose).digest()

/**
 * The authenticator secret, encrypted with AES-256-GCM (`v1.<iv>.<tag>.<ciphertext>`, base64url).
 * It has to be readable to check codes, so it cannot be hashed; encrypted, a leaked database or
 * backup does not let anyone generate codes.
 */
export class SecretBox {
  private readonly key: Buffer
  constructor(secret: string) {
    this.key = derive(secret, 'hearth:totp-secret:v1')
  }

  seal(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return ['v1', iv, cipher.getAuthTag(), ct].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.')
  }

  /** The plain secret, or null when it was sealed with another key (JWT_SECRET changed) or damaged. */
  open(sealed: string): string | null {
    const [v, iv, tag, ct] = sealed.split('.')
    if (v !== 'v1' || !iv || !tag || ct === undefined) return null
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8')
    } catch {
      return null
    }
  }
}

// No 0/o, 1/l/i: codes are copied by hand from paper.
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
export const RECOVERY_CODE_COUNT = 10

/** Ten fresh recovery codes, `xxxx-xxxx-xxxx` (12 random characters from 31: ~59 bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('')
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`
  })
}

/**
 * Recovery codes are stored as HMAC-SHA256 under a server key, not argon2: they are random with
 * ~59 bits each, so a slow hash adds nothing against guessing, while a keyed one lets a code be
 * found by its hash in one indexed query (argon2's per-hash salt would mean verifying all ten).
 * Without the key (it is not in the database) the hashes cannot even be brute-forced offline.
 */
export class RecoveryCodeHasher {
  private readonly key: Buffer
  constructor(secret: string) {
    this.key = derive(secret, 'hearth:recovery-code:v1')
  }

  /** Case, spaces and dashes do not matter: people type what they read. */
  hash(code: string): string {
    return createHmac('sha256', this.key)
      .update(code.toLowerCase().replace(/[^a-z0-9]/g, ''))
      .digest('hex')
  }
}

export const CHALLENGE_TTL_SECONDS = 300

/**
 * The challenge handed out after a correct password: `<userId>.<nonce>.<exp>.<sig>`, an HMAC over
 * who and until when. Nothing is stored to issue it; being used up (success, or too many wrong
 * codes) is remembered in the cache under its nonce until it would have expired anyway.
 */
export class ChallengeSigner {
  private readonly signer: UrlSigner
  constructor(secret: string) {
    this.signer = new UrlSigner(secret, 'hearth:2fa-challenge:v1', { ttlSeconds: CHALLENGE_TTL_SECONDS, stepSeconds: 1 })
  }

  issue(userId: number): string {
    const payload = `${userId}.${randomBytes(16).toString('base64url')}`
    const { exp, sig } = this.signer.sign(payload)
    return `${payload}.${exp}.${sig}`
  }

  /** The user and nonce of a challenge that is genuine and not expired, else null. */
  read(challenge: string): { userId: number; nonce: string; exp: number } | null {
    const m = /^(\d{1,10})\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(challenge)
    if (!m) return null
    const [, user, nonce, exp, sig] = m
    if (!this.signer.verify(`${user}.${nonce}`, Number(exp), sig!)) return null
    return { userId: Number(user), nonce: nonce!, exp: Number(exp) }
  }
}
