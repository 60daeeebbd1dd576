// Signing in to an account whose deletion is pending (features/deletion) is refused with a problem
// that carries a short-lived, single-use token: the one thing it allows is cancelling the deletion.
// The token lives in the cache (shared across instances with Redis), only its hash as the key.
import { AppError, forbidden } from '../../http/errors.js'
import type { Cache } from '../../platform/cache/index.js'
import type { UserRow } from '../users/index.js'
import { randomToken, sha256 } from './tokens.js'

export const CANCEL_TOKEN_TTL_SECONDS = 15 * 60
const key = (token: string) => `deletion-cancel:${sha256(token)}`

/** The refusal for a sign-in to an account being deleted; null when the account is not. */
export async function pendingDeletionRefusal(cache: Cache, user: UserRow): Promise<AppError | null> {
  if (!user.deletionRequestedAt || user.deletedAt) return null
  if (user.deletionRequestedBy !== user.id) return forbidden('An administrator deleted this account.', 'account_deleted')
  const token = randomToken(24)
  await cache.set(key(token), String(user.id), CANCEL_TOKEN_TTL_SECONDS)
  return new AppError(403, 'account_pending_deletion', 'This account is scheduled for deletion. You can cancel the deletion.', {
    members: { cancelToken: token, ...(user.deletionDueAt ? { deletionScheduledFor: user.deletionDueAt.toISOString() } : {}) },
  })
}

/** The account a cancel token was given for, once: the token is spent by this call. */
export async function redeemCancelToken(cache: Cache, token: string): Promise<number | undefined> {
  const k = key(token)
  const userId = await cache.get(k)
  if (userId === null) return undefined
  await cache.del(k)
  return Number(userId)
}
