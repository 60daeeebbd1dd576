import type { Logger } from '../../logger.js'
import type { Cache } from '../../platform/cache/index.js'
import type { Db } from '../../platform/db/index.js'
import { findLiveSessionByToken, touchSession } from './queries.js'

/** What a valid access token resolves to. */
export interface SessionInfo {
  id: number
  userId: number
  role: 'user' | 'admin'
  /** epoch ms */
  expiresAt: number
  /** a third-party app's session (features/mastodon): the app and the scopes it was granted; null for the web app's own */
  oauthAppId?: number | null
  oauthScopes?: string | null
}

const REVOKED = 'revoked'
const MAX_ENTRY_TTL = 900
const TOUCH_EVERY_MS = 60_000

/**
 * Session validity, read on every authenticated request: a short local copy (when the cache
 * is shared), then the cache (Redis or in-process), then the database. Revocation writes a
 * "revoked" marker that overwrites any cached entry and that a concurrent fill cannot replace
 * (fills use set-if-absent), so a revoked token stops working on every instance within
 * `localTtlMs`, not at its expiry.
 */
export class SessionCache {
  private readonly local = new Map<string, { info: SessionInfo | null; until: number }>()
  private readonly touched = new Map<string, number>()
  private readonly sweep: NodeJS.Timeout

  constructor(
    private readonly db: Db,
    private readonly cache: Cache,
    private readonly opts: { localTtlMs: number; markerTtlSeconds: number; logger: Logger },
  ) {
    this.sweep = setInterval(() => {
      const now = Date.now()
      for (const [k, v] of this.local) if (v.until <= now) this.local.delete(k)
      for (const [k, t] of this.touched) if (now - t > TOUCH_EVERY_MS) this.touched.delete(k)
    }, 10_000)
    this.sweep.unref()
  }

  async validate(sessionToken: string): Promise<SessionInfo | null> {
    const now = Date.now()
    const hit = this.local.get(sessionToken)
    let info: SessionInfo | null
    if (hit && hit.until > now) {
      info = hit.info
    } else {
      info = await this.fromCache(sessionToken)
      if (this.opts.localTtlMs > 0) this.local.set(sessionToken, { info, until: now + this.opts.localTtlMs })
    }
    if (!info || info.expiresAt <= now) return null
    this.touch(sessionToken, info.id, now)
    return info
  }

  private async fromCache(sessionToken: string): Promise<SessionInfo | null> {
    const key = `sess:${sessionToken}`
    const cached = await this.cache.get(key)
    if (cached === REVOKED) return null
    if (cached) return JSON.parse(cached) as SessionInfo
    const row = await findLiveSessionByToken(this.db, sessionToken)
    if (!row) {
      await this.cache.setIfAbsent(key, REVOKED, this.opts.markerTtlSeconds)
      return null
    }
    const info: SessionInfo = {
      id: row.id,
      userId: row.userId,
      role: row.role,
      expiresAt: row.expiresAt.getTime(),
      oauthAppId: row.oauthAppId,
      oauthScopes: row.oauthScopes,
    }
    const ttl = Math.min(MAX_ENTRY_TTL, Math.ceil((info.expiresAt - Date.now()) / 1000))
    if (ttl > 0) await this.cache.setIfAbsent(key, JSON.stringify(info), ttl)
    return info
  }

  /** Call after the database says the sessions ended. */
  async revoke(sessionTokens: string[]): Promise<void> {
    for (const t of sessionTokens) this.local.delete(t)
    await Promise.all(sessionTokens.map((t) => this.cache.set(`sess:${t}`, REVOKED, this.opts.markerTtlSeconds)))
  }

  /** Drops cached copies (e.g. after a role change) so the next request reads the database. */
  async invalidate(sessionTokens: string[]): Promise<void> {
    for (const t of sessionTokens) this.local.delete(t)
    await Promise.all(sessionTokens.map((t) => this.cache.del(`sess:${t}`)))
  }

  private touch(sessionToken: string, sessionId: number, now: number) {
    const last = this.touched.get(sessionToken)
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return
    this.touched.set(sessionToken, now)
    touchSession(this.db, sessionId).catch((err) => this.opts.logger.warn({ err }, 'could not record session activity'))
  }

  close() {
    clearInterval(this.sweep)
  }
}
