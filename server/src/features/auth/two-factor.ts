// Two-factor sign-in with TOTP (RFC 6238). A password sign-in of an account with 2FA on ends in a
// challenge instead of a session (secondFactorGate, called by AuthService.login); the challenge and
// a code from the authenticator app (or a recovery code) then start the session, the same way a
// password sign-in does. Provider sign-ins (Google, GitHub) are not asked for a code: they rely on
// the provider's own authentication.
import { generateSecret, generateURI, verify } from 'otplib'
import type { AppContext } from '../../context.js'
import { AppError, conflict, fieldError, forbidden } from '../../http/errors.js'
import { subsystemLogger } from '../../logger.js'
import { inTransaction } from '../../platform/db/transaction.js'
import type { UserRow } from '../users/index.js'
import { reserveAttempt } from './attempts.js'
import { findUserById } from './queries.js'
import type { AuthResult, AuthService, ClientInfo } from './service.js'
import { ChallengeSigner, newRecoveryCodes, RecoveryCodeHasher, SecretBox } from './two-factor-crypto.js'
import * as q from './two-factor-queries.js'

/** Wrong codes one challenge takes before it dies (the account's own allowance is counted too). */
export const CHALLENGE_FAILURES_MAX = 5
/** A code of the previous or next 30-second step is accepted too: phones' clocks drift. */
const EPOCH_TOLERANCE_SECONDS = 30

const challengeExpired = () =>
  new AppError(401, 'challenge_expired', 'This sign-in has expired or was already completed. Sign in with your password again.')

/**
 * Called once the password was right. With 2FA on, no session is started: a 401
 * `two_factor_required` carries the challenge that `POST /auth/login/2fa` completes.
 */
export async function secondFactorGate(ctx: AppContext, user: UserRow): Promise<void> {
  if (!(await q.totpEnabled(ctx.database.db, user.id))) return
  throw new AppError(401, 'two_factor_required', 'Enter the code from your authenticator app to finish signing in.', {
    members: { challenge: new ChallengeSigner(ctx.config.jwtSecret).issue(user.id) },
  })
}

const clip = (s: string | undefined, n: number) => (s === undefined ? null : s.slice(0, n))
const event = (userId: number, kind: q.SecurityEventKind, client: ClientInfo) => ({
  userId,
  kind,
  ipAddress: clip(client.ip, 45),
  userAgent: clip(client.userAgent, 1000),
})

export class TwoFactor {
  private readonly box: SecretBox
  private readonly recovery: RecoveryCodeHasher
  private readonly challenges: ChallengeSigner

  constructor(
    private readonly ctx: AppContext,
    private readonly auth: AuthService,
  ) {
    this.box = new SecretBox(ctx.config.jwtSecret)
    this.recovery = new RecoveryCodeHasher(ctx.config.jwtSecret)
    this.challenges = new ChallengeSigner(ctx.config.jwtSecret)
  }

  private get db() {
    return this.ctx.database.db
  }

  private get log() {
    return subsystemLogger(this.ctx.logger, 'auth')
  }

  async status(userId: number) {
    const row = await q.findTotp(this.db, userId)
    const enabled = !!row?.enabledAt
    return {
      enabled,
      pending: !!row && !enabled,
      enabledAt: row?.enabledAt?.toISOString() ?? null,
      recoveryCodesRemaining: enabled ? await q.countRecoveryCodes(this.db, userId) : 0,
    }
  }

  /** A new secret, pending until `enable` sees a code made from it; replaces an earlier pending one. */
  async setup(userId: number): Promise<{ secret: string; otpauthUri: string }> {
    const user = await findUserById(this.db, userId)
    if (!user) throw forbidden()
    const secret = generateSecret()
    if (!(await q.savePendingTotp(this.db, userId, this.box.seal(secret)))) throw alreadyEnabled()
    const host = new URL(this.ctx.config.publicUrl).host
    return { secret, otpauthUri: generateURI({ issuer: 'Hearth', label: `${user.username}@${host}`, secret }) }
  }

  async enable(userId: number, code: string, client: ClientInfo): Promise<{ recoveryCodes: string[] }> {
    const attempt = await this.reserve(userId)
    const row = await q.findTotp(this.db, userId)
    if (row?.enabledAt) throw alreadyEnabled()
    const secret = row && this.box.open(row.secretEncrypted)
    if (!secret) throw conflict('Start the setup of two-factor sign-in first.', 'two_factor_not_set_up')
    const step = await this.matchingStep(secret, code)
    if (step === null) throw invalidCode(400, 'code')
    const codes = newRecoveryCodes()
    const enabled = await inTransaction(this.db, async (tx) => {
      if (!(await q.enableTotp(tx, userId, step))) return false
      await q.replaceRecoveryCodes(
        tx,
        userId,
        codes.map((c) => this.recovery.hash(c)),
      )
      await q.insertSecurityEvent(tx, event(userId, 'totp_enabled', client))
      return true
    })
    if (!enabled) throw alreadyEnabled()
    await attempt.succeeded()
    this.log.info({ userId }, 'two-factor sign-in enabled')
    return { recoveryCodes: codes }
  }

  /** Needs the password (when the account has one) and a current code or an unused recovery code. */
  async disable(userId: number, input: { password?: string; code?: string; recoveryCode?: string }, client: ClientInfo): Promise<void> {
    const user = await findUserById(this.db, userId)
    if (!user) throw forbidden()
    const row = await q.findTotp(this.db, userId)
    if (!row?.enabledAt) throw conflict('Two-factor sign-in is not on.', 'two_factor_not_enabled')
    if (user.passwordHash) {
      if (!input.password) throw fieldError('password', 'is required', 'Enter your password to turn two-factor sign-in off.')
      if (!(await this.auth.checkCurrentPassword(user, input.password))) {
        throw new AppError(403, 'invalid_current_password', 'The current password is incorrect.', {
          errors: [{ field: 'password', message: 'is incorrect' }],
        })
      }
    }
    await this.checkSecondFactor(user.id, row, input, { status: 400 })
    await inTransaction(this.db, async (tx) => {
      await q.deleteTotp(tx, userId)
      await q.insertSecurityEvent(tx, event(userId, 'totp_disabled', client))
    })
    this.log.info({ userId }, 'two-factor sign-in disabled')
  }

  /** The second step of a password sign-in: the challenge and a code start the session. */
  async completeSignIn(input: { challenge: string; code?: string; recoveryCode?: string }, client: ClientInfo): Promise<AuthResult> {
    const challenge = this.challenges.read(input.challenge)
    if (!challenge) throw challengeExpired()
    const usedKey = `2fa:challenge:used:${challenge.nonce}`
    if ((await this.ctx.cache.get(usedKey)) !== null) throw challengeExpired()
    const user = await findUserById(this.db, challenge.userId)
    const row = user && (await q.findTotp(this.db, user.id))
    // 2FA turned off (or the account gone) since the password was checked: start over.
    if (!user || !row?.enabledAt) throw challengeExpired()
    if (user.isBlocked) throw forbidden('This account is blocked.', 'account_blocked')
    const ttl = Math.max(1, challenge.exp - Math.floor(Date.now() / 1000))
    try {
      await this.checkSecondFactor(user.id, row, input, { status: 401 })
    } catch (e) {
      if (e instanceof AppError && (e.code === 'invalid_code' || e.code === 'code_already_used')) {
        const { count } = await this.ctx.cache.hit(`2fa:challenge:failures:${challenge.nonce}`, ttl)
        if (count >= CHALLENGE_FAILURES_MAX) await this.ctx.cache.set(usedKey, 'failures', ttl)
      }
      throw e
    }
    // Single use: of two completions racing with one challenge, only one starts a session.
    if (!(await this.ctx.cache.setIfAbsent(usedKey, 'used', ttl))) throw challengeExpired()
    if (input.recoveryCode !== undefined) {
      await q.insertSecurityEvent(this.db, event(user.id, 'recovery_code_used', client))
      this.log.info({ userId: user.id }, 'signed in with a recovery code')
    }
    return this.auth.startSession(user, client)
  }

  /**
   * Checks a TOTP code (each accepted once) or uses up a recovery code. Failures count against the
   * account's allowance (429 once spent), the same bucket `enable` uses.
   */
  private async checkSecondFactor(
    userId: number,
    row: q.TotpRow,
    input: { code?: string; recoveryCode?: string },
    { status }: { status: 400 | 401 },
  ): Promise<void> {
    if ((input.code === undefined) === (input.recoveryCode === undefined)) {
      throw fieldError('code', 'or recoveryCode is required, not both', 'Send either a code from the app or a recovery code.')
    }
    const attempt = await this.reserve(userId)
    if (input.recoveryCode !== undefined) {
      if (!(await q.takeRecoveryCode(this.db, userId, this.recovery.hash(input.recoveryCode)))) {
        throw invalidCode(status, 'recoveryCode')
      }
    } else {
      const secret = this.box.open(row.secretEncrypted)
      const step = secret === null ? null : await this.matchingStep(secret, input.code!)
      if (step === null) throw invalidCode(status, 'code')
      if (!(await q.consumeStep(this.db, userId, step))) {
        throw new AppError(status, 'code_already_used', 'This code was already used. Wait for the next one in your app.', {
          errors: [{ field: 'code', message: 'was already used' }],
        })
      }
    }
    await attempt.succeeded()
  }

  /** The time step whose code `code` is (now, or one step either side), or null. */
  private async matchingStep(secret: string, code: string): Promise<number | null> {
    const token = code.replace(/\s/g, '')
    if (!/^\d{6}$/.test(token)) return null
    const result = await verify({ secret, token, epochTolerance: EPOCH_TOLERANCE_SECONDS })
    // (the result type also covers HOTP, which has no time step)
    return result.valid && 'timeStep' in result ? result.timeStep : null
  }

  private reserve(userId: number) {
    return reserveAttempt(this.ctx.cache, `rl:2fa:${userId}`, this.ctx.config.rateLimit.windowSeconds)
  }
}

const alreadyEnabled = () =>
  conflict('Two-factor sign-in is already on. Turn it off first to set up another app.', 'two_factor_already_enabled')

function invalidCode(status: 400 | 401, field: 'code' | 'recoveryCode') {
  const what = field === 'code' ? 'code' : 'recovery code'
  return new AppError(status, 'invalid_code', `The ${what} is not correct.`, { errors: [{ field, message: 'is not correct' }] })
}
