import type { AppContext } from '../../context.js'
import { forbidden } from '../../http/errors.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { applyPatch, resolveSettings, type NotificationSettings, type SettingsPatch } from './settings.js'
import * as q from './settings-queries.js'
import { UnsubscribeTokens, type UnsubscribeGrant } from './unsubscribe.js'

export class NotificationSettingsService {
  readonly tokens: UnsubscribeTokens

  constructor(private readonly ctx: Pick<AppContext, 'database' | 'config'>) {
    this.tokens = new UnsubscribeTokens(ctx.config.jwtSecret)
  }

  private get db() {
    return this.ctx.database.db
  }

  async get(userId: number): Promise<NotificationSettings> {
    return resolveSettings(await q.findOverrides(this.db, userId))
  }

  /** Applies a partial change; what it does not name stays as it was. */
  async update(userId: number, patch: SettingsPatch): Promise<NotificationSettings> {
    return inTransaction(this.db, async (tx) => {
      const stored = await q.lockOverrides(tx, userId)
      if (stored === null) return resolveSettings(undefined) // the account is gone: nothing to keep
      const next = applyPatch(stored, patch)
      await q.saveOverrides(tx, userId, next)
      return resolveSettings(next)
    })
  }

  /** The grant of an unsubscribe token, or 403 unsubscribe_token_invalid. */
  grant(token: string): UnsubscribeGrant {
    const grant = this.tokens.read(token)
    if (!grant)
      throw forbidden('This unsubscribe link is not valid. Change your emails in Settings › Notifications.', 'unsubscribe_token_invalid')
    return grant
  }

  /** Turns email off for the grant's types; replaying it is harmless. */
  async unsubscribe(grant: UnsubscribeGrant): Promise<void> {
    const patch: SettingsPatch = {}
    for (const t of grant.types) patch[t] = { email: false }
    await this.update(grant.userId, patch)
  }
}
