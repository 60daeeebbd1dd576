import type { AppContext } from '../../context.js'
import { insertUserIfFree, makeConfiguredAdmin } from '../users/index.js'
import { hashPassword, verifyPassword } from './passwords.js'
import { findUserByLogin, sessionTokensOfUsers } from './queries.js'
import type { AuthDeps } from './service.js'

/**
 * ADMIN_EMAIL + ADMIN_PASSWORD: on every start that account exists, is an unblocked admin, and
 * signs in with that password. The operator configured the address, so it counts as proven.
 */
export async function ensureAdmin(ctx: AppContext, deps: Pick<AuthDeps, 'sessions' | 'users'>): Promise<void> {
  const admin = ctx.config.admin
  if (!admin) return
  const db = ctx.database.db
  const email = admin.email.toLowerCase()
  const existing = await findUserByLogin(db, email)
  if (existing) {
    const samePassword = existing.passwordHash !== null && (await verifyPassword(existing.passwordHash, admin.password))
    await makeConfiguredAdmin(db, existing.id, {
      emailVerifiedAt: existing.emailVerifiedAt ?? new Date(),
      ...(samePassword ? {} : { passwordHash: await hashPassword(admin.password) }),
    })
    if (existing.role !== 'admin' || !samePassword) {
      await deps.sessions.invalidate(await sessionTokensOfUsers(db, [existing.id]))
      await deps.users.invalidate(existing.id)
    }
    ctx.logger.info({ userId: existing.id }, 'admin account ensured')
    return
  }
  const base = (email.split('@')[0] ?? 'admin')
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 24)
    .padEnd(3, '_')
  for (let i = 0; ; i++) {
    const username = i === 0 ? base : `${base}_${i}`
    const id = await insertUserIfFree(db, {
      email,
      username,
      passwordHash: await hashPassword(admin.password),
      role: 'admin',
      emailVerifiedAt: new Date(),
      displayName: 'Administrator',
    })
    if (id !== undefined) {
      ctx.logger.info({ userId: id, username }, 'admin account created')
      return
    }
    // Another instance may have created it at the same moment.
    if (await findUserByLogin(db, email)) return ensureAdmin(ctx, deps)
    if (i > 50) throw new Error('could not find a free username for the admin account')
  }
}
