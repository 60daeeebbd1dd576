import type { AppContext } from '../../context.js'
import { conflict, notFound, unauthorized } from '../../http/errors.js'
import { decodeCursor, paginate } from '../../lib/keyset.js'
import { isUniqueViolation } from '../../platform/db/errors.js'
import * as q from './queries.js'
import { presentMe, presentProfile, presentSummary } from './views.js'

export class UsersService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.database.db
  }

  async me(userId: number) {
    const user = await this.ctx.users.get(userId)
    if (!user) throw unauthorized()
    return presentMe(user)
  }

  async updateMe(userId: number, input: { displayName?: string | null; bio?: string | null; username?: string }) {
    const values: Parameters<typeof q.updateUser>[2] = {}
    if (input.displayName !== undefined) values.displayName = input.displayName?.trim() || null
    if (input.bio !== undefined) values.bio = input.bio?.trim() || null
    if (input.username !== undefined) values.username = input.username
    try {
      const row = await q.updateUser(this.db, userId, values)
      if (!row) throw unauthorized()
      await this.ctx.users.invalidate(userId)
      return presentMe(row)
    } catch (e) {
      if (isUniqueViolation(e) !== null) {
        throw conflict('This username is taken.', 'username_taken', [{ field: 'username', message: 'is taken' }])
      }
      throw e
    }
  }

  async profileById(id: number, viewerId: number | undefined) {
    const user = await q.findVisibleUserById(this.db, id)
    if (!user) throw notFound('User')
    return presentProfile(user, await q.isFollowing(this.db, viewerId, user.id), viewerId)
  }

  async profileByUsername(username: string, viewerId: number | undefined) {
    const user = await q.findVisibleUserByUsername(this.db, username)
    if (!user) throw notFound('User')
    return presentProfile(user, await q.isFollowing(this.db, viewerId, user.id), viewerId)
  }

  async search(query: string, limit: number, cursor: string | undefined) {
    const after = decodeCursor<[string]>(cursor, ['string'])
    const rows = await q.searchUsers(this.db, query.trim(), limit, after?.[0])
    const page = paginate(rows, limit, (r) => [r.key])
    return { items: page.items.map(presentSummary), nextCursor: page.nextCursor }
  }
}
