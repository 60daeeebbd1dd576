// Account deletion: asking for it (the owner, or an administrator through features/admin), what
// happens at once, and cancelling it during the grace period. The purge itself is ./purge.ts.
import type { AppContext } from '../../context.js'
import { AppError, conflict, notFound, unauthorized } from '../../http/errors.js'
import { subsystemLogger } from '../../logger.js'
import { inTransaction } from '../../platform/db/transaction.js'
import type { Tx } from '../../platform/db/index.js'
import type { MailOutbox } from '../../platform/mail/index.js'
import { type AuthService, findSessionCreatedAt, RECENT_SIGN_IN_SECONDS, redeemCancelToken } from '../auth/index.js'
import { purgeFollowsOf } from '../follows/index.js'
import { clearDeletionRequest, lockAdmins, lockUser, markDeletionRequested, type UserCache, type UserRow } from '../users/index.js'

export interface DeletionDeps {
  auth: AuthService
  users: UserCache
  mailOutbox: MailOutbox
}

export const alreadyDeleted = (user: Pick<UserRow, 'deletedAt'>) =>
  user.deletedAt
    ? conflict('This account has already been deleted.', 'account_already_deleted')
    : conflict('This account is already scheduled for deletion.', 'account_deletion_pending')

/** When an account asked for now is purged. */
export function purgeDueAt(graceDays: number, now = new Date()): Date {
  return new Date(now.getTime() + graceDays * 86_400_000)
}

/**
 * Inside the caller's transaction (which holds the user's row): hides the account and schedules
 * its purge. Refuses an account already scheduled or purged. The caller runs `afterScheduled`
 * once committed.
 */
export async function scheduleDeletion(tx: Tx, user: UserRow, by: number, dueAt: Date): Promise<void> {
  if (user.deletionRequestedAt || user.deletedAt) throw alreadyDeleted(user)
  if (!(await markDeletionRequested(tx, user.id, by, dueAt))) throw alreadyDeleted(user)
}

export class DeletionService {
  private readonly log

  constructor(
    private readonly ctx: AppContext,
    private readonly deps: DeletionDeps,
  ) {
    this.log = subsystemLogger(ctx.logger, 'deletion')
  }

  private get db() {
    return this.ctx.database.db
  }

  /**
   * The owner deletes their account: the current password, or for an account without one a
   * sign-in within the last 15 minutes (the rule of email changes). 202 with the purge date.
   */
  async requestOwn(auth: { userId: number; sessionId: number }, password: string | undefined) {
    const current = await this.deps.users.get(auth.userId)
    if (!current) throw unauthorized()
    await this.reauthenticate(current, auth.sessionId, password)
    const dueAt = purgeDueAt(this.ctx.config.accountDeletionGraceDays)
    await inTransaction(this.db, async (tx) => {
      // the admin rows first, in the order every admin write takes them (features/admin)
      const admins = await lockAdmins(tx)
      const user = await lockUser(tx, { id: auth.userId })
      if (!user) throw unauthorized()
      if (user.role === 'admin' && !admins.some((a) => a.id !== user.id && !a.isBlocked)) {
        throw conflict('You are the last administrator; make someone else an administrator first.', 'last_admin')
      }
      await scheduleDeletion(tx, user, user.id, dueAt)
    })
    await this.afterScheduled(current)
    this.log.info({ userId: auth.userId, dueAt }, 'account deletion requested')
    return { scheduledFor: dueAt.toISOString() }
  }

  /**
   * What happens at once, after the commit: every session ends (open streams close on every
   * instance), mail waiting for the address is dropped, and the account leaves everyone's follow
   * lists with the counters moved (a batch per transaction). A retry of it is harmless.
   */
  async afterScheduled(user: Pick<UserRow, 'id' | 'email'>): Promise<void> {
    await this.deps.auth.revokeAllSessions(user.id, 'account_deleted')
    await this.deps.users.invalidate(user.id)
    await this.deps.mailOutbox.cancelMailTo(this.db, user.email)
    while ((await purgeFollowsOf(this.db, user.id, 500)) > 0);
  }

  /** Cancels the deletion the token (from a refused sign-in) was given for; then the owner signs in as usual. */
  async cancel(token: string) {
    const userId = await redeemCancelToken(this.ctx.cache, token)
    if (userId === undefined) {
      throw new AppError(400, 'cancel_token_invalid', 'This link to cancel the deletion has expired or was used; sign in again.')
    }
    const cleared = await inTransaction(this.db, async (tx) => {
      const user = await lockUser(tx, { id: userId })
      if (!user || user.deletedAt) throw notFound('Account')
      return clearDeletionRequest(tx, userId)
    })
    if (!cleared) throw conflict('This account is not scheduled for deletion.', 'account_not_pending_deletion')
    await this.deps.users.invalidate(userId)
    this.log.info({ userId }, 'account deletion cancelled')
    return { cancelled: true as const }
  }

  private async reauthenticate(user: UserRow, sessionId: number, password: string | undefined) {
    if (user.passwordHash) {
      if (password === undefined) {
        throw new AppError(400, 'validation_failed', 'Enter your password to delete your account.', {
          errors: [{ field: 'password', message: 'is required' }],
        })
      }
      if (!(await this.deps.auth.checkCurrentPassword(user, password))) {
        throw new AppError(403, 'invalid_current_password', 'The password is incorrect.', {
          errors: [{ field: 'password', message: 'is incorrect' }],
        })
      }
      return
    }
    const signedInAt = await findSessionCreatedAt(this.db, sessionId)
    if (!signedInAt || Date.now() - signedInAt.getTime() > RECENT_SIGN_IN_SECONDS * 1000) {
      throw new AppError(
        403,
        'reauthentication_required',
        'For your safety, sign in again (with Google or GitHub) and then delete your account within 15 minutes.',
      )
    }
  }
}
