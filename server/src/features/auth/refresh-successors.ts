// A refresh token's successor, remembered for the few seconds after a rotation in which the old
// token may honestly be presented again: two tabs refreshing at once, a client retrying after a
// lost response. Those get the same successor back instead of setting off reuse detection. Kept in
// the shared cache (Redis with several instances), sealed with a key that only the holder of the
// old token can derive, so what the cache holds is never a usable token by itself.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import type { Cache } from '../../platform/cache/types.js'
import { sha256 } from './tokens.js'

/** Steps followed from an old token to the session's current one (each a rotation within the window). */
const MAX_CHAIN = 5

const cacheKey = (token: string) => `refresh:successor:${sha256(token)}`
const sealingKey = (token: string) => createHash('sha256').update(`hearth refresh successor\0${token}`).digest()

function seal(token: string, successor: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', sealingKey(token), iv)
  const body = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
}

function open(token: string, sealed: string): string | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64url')
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(token), raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}

export class RefreshSuccessors {
  constructor(
    private readonly cache: Cache,
    private readonly graceSeconds: number,
  ) {}

  /** Called inside the rotation's transaction, so a concurrent refresh waiting on the row finds it. */
  async remember(token: string, successor: string): Promise<void> {
    if (this.graceSeconds <= 0) return
    await this.cache.set(cacheKey(token), seal(token, successor), this.graceSeconds + 1)
  }

  /**
   * The token that followed `token`, followed on to the one whose hash is the session's current
   * (a client may have refreshed again meanwhile), or the last one known.
   */
  async latest(token: string, currentHash: string | null): Promise<string | undefined> {
    let found: string | undefined
    let from = token
    for (let i = 0; i < MAX_CHAIN; i++) {
      const sealed = await this.cache.get(cacheKey(from))
      const next = sealed ? open(from, sealed) : undefined
      if (!next) break
      found = next
      if (sha256(next) === currentHash) break
      from = next
    }
    return found
  }
}
