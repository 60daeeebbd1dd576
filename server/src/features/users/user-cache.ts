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
  constructor(
    private readonly db: Db,
    private readonly cache: Cache,
  ) {}

  async get(id: number): Promise<UserRow | undefined> {
    const key = `user:${id}`
    const hit = await this.cache.get(key)
    if (hit) return revive(JSON.parse(hit) as Record<string, unknown>)
    const stmt = prepared(this.db, 'user_by_id', (d) =>
      d.select().from(users).where(eq(users.id, sql.placeholder('id'))).limit(1).prepare('user_by_id'),
    )
    const [row] = await stmt.execute({ id })
    if (row) await this.cache.set(key, JSON.stringify(row), TTL_SECONDS)
    return row
  }

  async invalidate(...ids: number[]): Promise<void> {
    await Promise.all(ids.map((id) => this.cache.del(`user:${id}`)))
  }
}

function revive(o: Record<string, unknown>): UserRow {
  for (const f of DATE_FIELDS) if (typeof o[f] === 'string') o[f] = new Date(o[f] as string)
  return o as unknown as UserRow
}
