import type { AppContext } from '../../context.js'
import type { Media } from './types.js'
import { unauthorized } from '../../http/errors.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { swapAvatarUrl, type UserCache } from '../users/index.js'
import type { UploadedFile } from './types.js'

export class AvatarService {
  constructor(
    private readonly ctx: AppContext,
    private readonly users: UserCache,
    private readonly media: Media,
  ) {}

  /** Stores the new avatar, points the user at it, then removes the one it replaced. */
  async replace(userId: number, file: UploadedFile): Promise<{ avatarUrl: string }> {
    const avatarUrl = await this.media.storeAvatar(file)
    await this.swap(userId, avatarUrl)
    return { avatarUrl }
  }

  async remove(userId: number): Promise<void> {
    await this.swap(userId, null)
  }

  private async swap(userId: number, url: string | null) {
    let previous: string | null | undefined
    try {
      previous = await inTransaction(this.ctx.database.db, (tx) => swapAvatarUrl(tx, userId, url))
    } catch (e) {
      if (url) await this.media.removeAvatar(url) // never leave an object nobody points at
      throw e
    }
    if (previous === undefined) {
      if (url) await this.media.removeAvatar(url)
      throw unauthorized()
    }
    await this.users.invalidate(userId)
    // After the commit: a rollback must not lose the avatar still in use.
    if (previous && previous !== url) await this.media.removeAvatar(previous)
  }
}
