import { eq, sql } from 'drizzle-orm'
import { users } from '../../db/schema.js'
import type { Cache } from '../../platform/cache/index.js'
import type { Db } from '../../platform/db/index.js'
import { prepared } from '../../platform/db/prepared.js'

export type UserRow = typeof users.$inferSelect

// Bounds how long a missed invalidation (or a fill racing an update) can serve stale data.
const TTL_SECONDS = 60
const DATE_FIELDS = ['createdAt', 'updatedAt', 'emailVerifiedAt'] as const

/**
 * The signed-in user's own row, read on every GET /users/me: served from the cache (Redis or
 * in-process) so that route costs no database round trip (bench/results/auth.md). Every code
 * path that updates a `users` row calls `invalidate(id)` after its write.
 */
export class UserCache {
  // With a shared cache, each instance also keeps rows for `localTtlMs` (as the session cache
  // does): a write on another instance shows here within that time, a write here at once.
  private readonly local = new Map<number, { row: UserRow; until: number }>()

  constructor(
    private readonly db: Db,
    private readonly cache: Cache,
    private readonly localTtlMs = 0,
  ) {}

  async get(id: number): Promise<UserRow | undefined> {
    const now = Date.now()
    const mine = this.local.get(id)
    if (mine && mine.until > now) return mine.row
    const row = await this.fromCache(id)
    if (row && this.localTtlMs > 0) {
      if (this.local.size >= 50_000) this.local.clear()
      this.local.set(id, { row, until: now + this.localTtlMs })
    }
    return row
  }

  private async fromCache(id: number): Promise<UserRow | undefined> {
    const key = `user:${id}`
    const hit = await this.cache.get(key)
    if (hit) return revive(JSON.parse(hit) as Record<string, unknown>)
    const stmt = prepared(this.db, 'user_by_id', (d) =>
      d
        .select()
        .from(users)
        .where(eq(users.id, sql.placeholder('id')))
        .limit(1)
        .prepare('user_by_id'),
    )
    const [row] = await stmt.execute({ id })
    if (row) await this.cache.set(key, JSON.stringify(row), TTL_SECONDS)
    return row
  }

  async invalidate(...ids: number[]): Promise<void> {
    for (const id of ids) this.local.delete(id)
    await Promise.all(ids.map((id) => this.cache.del(`user:${id}`)))
  }
}

function revive(o: Record<string, unknown>): UserRow {
  for (const f of DATE_FIELDS) if (typeof o[f] === 'string') o[f] = new Date(o[f])
  return o as unknown as UserRow
}
