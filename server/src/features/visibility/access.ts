import { forbidden, notFound } from '../../http/errors.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { privateAccount } from './errors.js'
import { NO_RELATIONSHIP, relationships } from './relationships.js'

/**
 * Whether the viewer may see an account's contents (its posts, its follower lists), as a whole:
 * the owner always; someone the owner blocks is told it does not exist (404); a blocker sees the
 * header, to unblock, and nothing else (403 blocking); a private account only to approved followers
 * and administrators (403 private_account). The page statements apply the same rule per item.
 */
export async function requireAccountContents(
  db: DbOrTx,
  owner: { id: number; isPrivate: boolean },
  viewerId: number | undefined,
  isAdmin: (viewerId: number) => Promise<boolean>,
  what: 'posts' | 'lists',
): Promise<void> {
  if (viewerId === owner.id) return
  const rel = viewerId === undefined ? NO_RELATIONSHIP : ((await relationships(db, viewerId, [owner.id])).get(owner.id) ?? NO_RELATIONSHIP)
  if (rel.blockedBy) throw notFound('User')
  if (rel.blocking) throw forbidden(`You block this user: unblock them to see their ${what}.`, 'blocking')
  if (owner.isPrivate && !rel.following && (viewerId === undefined || !(await isAdmin(viewerId)))) throw privateAccount()
}
