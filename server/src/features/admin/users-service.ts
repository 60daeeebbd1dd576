import type { AppContext } from '../../context.js'
import { notFound } from '../../http/errors.js'
import { decodeCursor, paginate } from '../../lib/keyset.js'
import { subsystemLogger } from '../../logger.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { type AuthService, type SessionCache, sessionTokensOfUsers } from '../auth/index.js'
import type { UserCache } from '../users/index.js'
import { type DeletionService, purgeDueAt } from '../deletion/index.js'
import { beginAdminWrite, blockUser, changeRole, deleteUser, unblockUser } from './moderation.js'
import * as q from './queries.js'
import { presentAdminUser } from './views.js'

export interface UserFilter {
  q?: string
  blocked?: boolean
  role?: q.Role
  cursor?: string
  limit: number
}

export class AdminUsersService {
  private readonly log

  constructor(
    private readonly ctx: AppContext,
    private readonly auth: AuthService,
    private readonly caches: { users: UserCache; sessions: SessionCache },
    private readonly deletion: DeletionService,
  ) {
    this.log = subsystemLogger(ctx.logger, 'admin')
  }

  private get db() {
    return this.ctx.database.db
  }

  async list(f: UserFilter) {
    const before = decodeCursor<[number]>(f.cursor, ['number'])
    const rows = await q.listUsers(this.db, {
      q: f.q?.trim() || undefined,
      blocked: f.blocked,
      role: f.role,
      beforeId: before?.[0],
      limit: f.limit,
    })
    const page = paginate(rows, f.limit, (r) => [r.id])
    return { items: await this.present(page.items), nextCursor: page.nextCursor }
  }

  async get(id: number) {
    const row = await q.findAdminUser(this.db, id)
    if (!row) throw notFound('User')
    return (await this.present([row]))[0]!
  }

  /** Blocks the user and ends every one of their sessions on every instance. Idempotent. */
  async block(actorId: number, userId: number) {
    await inTransaction(
      this.db,
      async (tx, afterCommit) => blockUser(await beginAdminWrite(tx, afterCommit, this.log, actorId), userId),
      (err) => this.log.error({ err }, 'after-commit step of a block failed'),
    )
    // Also when already blocked: a retry after a failed revocation must finish the job.
    await this.auth.revokeAllSessions(userId, 'blocked')
    await this.caches.users.invalidate(userId)
    return this.get(userId)
  }

  /** Deletes the account as its owner would (features/deletion), audited; 202 with the purge date. */
  async delete(actorId: number, userId: number) {
    const dueAt = purgeDueAt(this.ctx.config.accountDeletionGraceDays)
    const user = await inTransaction(
      this.db,
      async (tx, afterCommit) => deleteUser(await beginAdminWrite(tx, afterCommit, this.log, actorId), userId, dueAt),
      (err) => this.log.error({ err }, 'after-commit step of a deletion failed'),
    )
    await this.deletion.afterScheduled(user)
    return { scheduledFor: dueAt.toISOString() }
  }

  async unblock(actorId: number, userId: number) {
    await inTransaction(this.db, async (tx, afterCommit) => unblockUser(await beginAdminWrite(tx, afterCommit, this.log, actorId), userId))
    await this.caches.users.invalidate(userId)
    return this.get(userId)
  }

  async setRole(actorId: number, userId: number, role: q.Role) {
    const changed = await inTransaction(this.db, async (tx, afterCommit) =>
      changeRole(await beginAdminWrite(tx, afterCommit, this.log, actorId), userId, role),
    )
    // Sessions carry the role in the session cache: drop the cached copies so the next request
    // of every open session (on any instance) reads the new role.
    if (changed) {
      await this.caches.sessions.invalidate(await sessionTokensOfUsers(this.db, [userId]))
      await this.caches.users.invalidate(userId)
    }
    return this.get(userId)
  }

  private async present(rows: q.AdminUserRow[]) {
    const sessions = new Map(
      (
        await q.sessionSummaries(
          this.db,
          rows.map((r) => r.id),
        )
      ).map((s) => [s.userId, s]),
    )
    return rows.map((r) => presentAdminUser(r, sessions.get(r.id)))
  }
}
