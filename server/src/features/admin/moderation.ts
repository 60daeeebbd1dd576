// The building blocks of every admin write, run inside its transaction: take the admin set's
// locks, check the actor still belongs to it, and apply blocks, role changes and content
// deletions while writing the audit trail. Shared by user management and report decisions.
import { AppError, conflict, forbidden, notFound } from '../../http/errors.js'
import type { Logger } from '../../logger.js'
import type { AfterCommit } from '../../platform/db/transaction.js'
import type { Tx } from '../../platform/db/types.js'
import { deleteCommentAsModerator } from '../comments/index.js'
import { scheduleDeletion } from '../deletion/index.js'
import { softDeletePost } from '../posts/index.js'
import { lockAdmins, lockUser, setBlocked, setRole } from '../users/index.js'
import type { ReportTarget } from '../reports/index.js'
import { recordAdminAction } from './audit.js'
import type * as q from './queries.js'

export interface AdminWrite {
  tx: Tx
  afterCommit: AfterCommit
  log: Logger
  actorId: number
  /** the admin rows, locked (see lockAdmins) */
  admins: { id: number; isBlocked: boolean }[]
}

/**
 * Starts an admin write: locks every admin row, so admin writes run one at a time and each
 * sees the admin set as it is. The actor's standing is checked by `ensureActor`, after the
 * checks that give a more useful answer (e.g. last_admin when two admins demote each other).
 */
export async function beginAdminWrite(tx: Tx, afterCommit: AfterCommit, log: Logger, actorId: number): Promise<AdminWrite> {
  return { tx, afterCommit, log, actorId, admins: await lockAdmins(tx) }
}

/** The actor may have been demoted or blocked since their session was cached. */
export function ensureActor(w: AdminWrite) {
  if (!w.admins.some((a) => a.id === w.actorId && !a.isBlocked)) throw forbidden('Administrators only.')
}

/** Refuses a change that would leave no unblocked admin. */
function ensureAnotherAdmin(w: AdminWrite, targetId: number, action: string) {
  if (!w.admins.some((a) => a.id !== targetId && !a.isBlocked)) {
    throw conflict(`This is the last administrator; ${action} would leave nobody to run the network.`, 'last_admin')
  }
}

const lockTarget = async (w: AdminWrite, userId: number) => {
  const user = await lockUser(w.tx, { id: userId })
  if (!user) throw notFound('User')
  return user
}

/**
 * Blocks a user. Returns whether this call changed anything. The caller revokes the user's
 * sessions once the transaction has committed (AuthService.revokeAllSessions).
 */
export async function blockUser(w: AdminWrite, userId: number, details: Record<string, unknown> = {}): Promise<boolean> {
  if (userId === w.actorId) throw conflict('You cannot block yourself.', 'cannot_block_self')
  const user = await lockTarget(w, userId)
  if (user.role === 'admin' && !user.isBlocked) ensureAnotherAdmin(w, userId, 'blocking them')
  ensureActor(w)
  if (user.isBlocked) return false
  await setBlocked(w.tx, userId, true)
  await recordAdminAction(w.log, w.tx, w.afterCommit, {
    actorId: w.actorId,
    action: 'user.block',
    targetType: 'user',
    targetId: userId,
    details,
  })
  return true
}

export async function unblockUser(w: AdminWrite, userId: number): Promise<boolean> {
  const user = await lockTarget(w, userId)
  ensureActor(w)
  // a deleted account is hidden by the same switch; unblocking must not bring it back
  if (user.deletionRequestedAt) throw conflict('This account is deleted or being deleted.', 'account_deletion_pending')
  if (!user.isBlocked) return false
  await setBlocked(w.tx, userId, false)
  await recordAdminAction(w.log, w.tx, w.afterCommit, { actorId: w.actorId, action: 'user.unblock', targetType: 'user', targetId: userId })
  return true
}

/**
 * Deletes a user's account as its owner can (features/deletion): hidden at once, purged after the
 * grace period. Returns the user (the caller runs the deletion's after-commit step with it).
 */
export async function deleteUser(w: AdminWrite, userId: number, dueAt: Date) {
  if (userId === w.actorId) throw conflict('Delete your own account from your settings.', 'cannot_delete_self')
  const user = await lockTarget(w, userId)
  if (user.role === 'admin' && !user.isBlocked) ensureAnotherAdmin(w, userId, 'deleting them')
  ensureActor(w)
  await scheduleDeletion(w.tx, user, w.actorId, dueAt)
  await recordAdminAction(w.log, w.tx, w.afterCommit, {
    actorId: w.actorId,
    action: 'user.delete',
    targetType: 'user',
    targetId: userId,
    details: { purgeAfter: dueAt.toISOString() },
  })
  return user
}

export async function changeRole(w: AdminWrite, userId: number, role: q.Role): Promise<boolean> {
  if (userId === w.actorId && role !== 'admin')
    throw conflict('You cannot demote yourself; ask another administrator.', 'cannot_demote_self')
  const user = await lockTarget(w, userId)
  if (user.role === 'admin' && role !== 'admin') ensureAnotherAdmin(w, userId, 'demoting them')
  ensureActor(w)
  if (user.role === role) return false
  await setRole(w.tx, userId, role)
  await recordAdminAction(w.log, w.tx, w.afterCommit, {
    actorId: w.actorId,
    action: 'user.role',
    targetType: 'user',
    targetId: userId,
    details: { from: user.role, to: role },
  })
  return true
}

/** Soft-deletes a reported post or comment (counters kept right). Returns whether this call deleted it. */
export async function deleteContent(w: AdminWrite, target: ReportTarget, details: Record<string, unknown> = {}): Promise<boolean> {
  if (target.type === 'user') {
    throw new AppError(400, 'nothing_to_delete', 'A reported user has no content to delete; use block_user.')
  }
  // The same functions as the authors' own deletions, so the counters are kept in one place.
  const deleted =
    target.type === 'post' ? (await softDeletePost(w.tx, target.id)) !== null : await deleteCommentAsModerator(w.tx, target.id)
  if (!deleted) return false
  await recordAdminAction(w.log, w.tx, w.afterCommit, {
    actorId: w.actorId,
    action: `${target.type}.delete`,
    targetType: target.type,
    targetId: target.id,
    details,
  })
  return true
}
