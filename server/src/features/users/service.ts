import type { AppContext } from '../../context.js'
import { conflict, notFound, unauthorized } from '../../http/errors.js'
import { decodeCursor, paginate } from '../../lib/keyset.js'
import { isUniqueViolation } from '../../platform/db/errors.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { acceptAllRequests } from '../follows/index.js'
import { NO_RELATIONSHIP, notBlockedEitherWay, relationships } from '../visibility/index.js'
import * as q from './queries.js'
import type { UserCache } from './user-cache.js'
import { presentMe, presentProfile, presentSummary, type ProfileRelationship } from './views.js'

export interface ProfileChanges {
  displayName?: string | null
  bio?: string | null
  username?: string
  isPrivate?: boolean
  allowMessagesFrom?: 'everyone' | 'following'
  showSensitiveMedia?: boolean
}

export class UsersService {
  constructor(
    private readonly ctx: AppContext,
    private readonly cache: UserCache,
  ) {}

  private get db() {
    return this.ctx.database.db
  }

  async me(userId: number) {
    const user = await this.cache.get(userId)
    if (!user) throw unauthorized()
    return presentMe(user)
  }

  /**
   * Edits the caller's profile and settings. Turning a private account public accepts every
   * pending follow request in the same transaction, which holds the account's row so no request
   * can arrive in between (follows take the same lock).
   */
  async updateMe(userId: number, input: ProfileChanges) {
    const values: Parameters<typeof q.updateUser>[2] = {}
    if (input.displayName !== undefined) values.displayName = input.displayName?.trim() || null
    if (input.bio !== undefined) values.bio = input.bio?.trim() || null
    if (input.username !== undefined) values.username = input.username
    if (input.isPrivate !== undefined) values.isPrivate = input.isPrivate
    if (input.allowMessagesFrom !== undefined) values.allowMessagesFrom = input.allowMessagesFrom
    if (input.showSensitiveMedia !== undefined) values.showSensitiveMedia = input.showSensitiveMedia
    try {
      const { row, accepted } = await inTransaction(this.db, async (tx) => {
        const before = await q.lockOwnRow(tx, userId)
        if (!before) throw unauthorized()
        const row = await q.updateUser(tx, userId, values)
        const accepted = before.isPrivate && input.isPrivate === false ? await acceptAllRequests(tx, userId) : []
        return { row: row!, accepted }
      })
      await this.cache.invalidate(userId, ...accepted)
      return presentMe(accepted.length > 0 ? ((await q.findVisibleUserById(this.db, userId)) ?? row) : row)
    } catch (e) {
      if (isUniqueViolation(e) !== null) {
        throw conflict('This username is taken.', 'username_taken', [{ field: 'username', message: 'is taken' }])
      }
      throw e
    }
  }

  async profileById(id: number, viewerId: number | undefined) {
    return this.profile(await q.findVisibleUserById(this.db, id), viewerId)
  }

  async profileByUsername(username: string, viewerId: number | undefined) {
    return this.profile(await q.findVisibleUserByUsername(this.db, username), viewerId)
  }

  /**
   * Anyone may see a profile's header (a private one too), except someone it blocks: to them it
   * is not found, as if it did not exist.
   */
  private async profile(user: q.UserRow | undefined, viewerId: number | undefined) {
    if (!user) throw notFound('User')
    const rel = await this.relationshipTo(user.id, viewerId)
    if (rel === null) throw notFound('User')
    return presentProfile(user, rel, viewerId)
  }

  /** null when `userId` blocks the viewer. */
  private async relationshipTo(userId: number, viewerId: number | undefined): Promise<ProfileRelationship | null> {
    if (viewerId === undefined || viewerId === userId) return { ...NO_RELATIONSHIP, admin: false }
    const rel = (await relationships(this.db, viewerId, [userId])).get(userId) ?? NO_RELATIONSHIP
    if (rel.blockedBy) return null
    const admin = (await this.cache.get(viewerId))?.role === 'admin'
    return { ...rel, admin }
  }

  async search(query: string, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    return searchPeople(this.db, query, viewerId, limit, cursor)
  }
}

/**
 * People whose username or display name starts with `query` (case and accents ignored), by
 * username: GET /users?q= and search's people. Suspended people and those on either side of a
 * block with the viewer are left out; private accounts are found (their header is public).
 */
export async function searchPeople(db: DbOrTx, query: string, viewerId: number | undefined, limit: number, cursor: string | undefined) {
  const after = decodeCursor<[string]>(cursor, ['string'])
  const rows = await q.searchUsers(db, query.trim(), limit, after?.[0], notBlockedEitherWay(viewerId, q.userIdColumn))
  const page = paginate(rows, limit, (r) => [r.key])
  return { items: page.items.map(presentSummary), nextCursor: page.nextCursor }
}
