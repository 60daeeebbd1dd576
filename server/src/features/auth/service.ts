import type { AppContext } from '../../context.js'
import { AppError, conflict, fieldError, forbidden, notFound, unauthorized } from '../../http/errors.js'
import { isUniqueViolation } from '../../platform/db/errors.js'
import type { MailOutbox } from '../../platform/mail/index.js'
import { REVOKED_CHANNEL } from '../stream/index.js'
import { insertUser, presentMe, updateUserPassword, type UserCache, type UserRow } from '../users/index.js'
import { reserveAttempt } from './attempts.js'
import { pendingDeletionRefusal } from './pending-deletion.js'
import { queueVerificationEmail } from './email-flows.js'
import { RefreshSuccessors } from './refresh-successors.js'
import type { SessionCache } from './session-cache.js'
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js'
import * as q from './queries.js'
import { secondFactorGate } from './two-factor.js'
import { newRefreshToken, parseRefreshToken, randomToken, sameHash, sha256, type TokenService } from './tokens.js'

export interface ClientInfo {
  ip: string
  userAgent: string | undefined
  deviceFingerprint: string | undefined
}

export interface AuthResult {
  user: ReturnType<typeof presentMe>
  accessToken: string
  refreshToken: string
  expiresIn: number
  tokenType: 'Bearer'
}

/** The services the auth feature works with (built in services.ts). */
export interface AuthDeps {
  tokens: TokenService
  sessions: SessionCache
  users: UserCache
  mailOutbox: MailOutbox
}

const clip = (s: string | undefined, n: number) => (s === undefined ? null : s.slice(0, n))

export class AuthService {
  private readonly successors: RefreshSuccessors

  constructor(
    private readonly ctx: AppContext,
    private readonly deps: AuthDeps,
  ) {
    this.successors = new RefreshSuccessors(ctx.cache, ctx.config.refreshReuseGraceSeconds)
  }

  private get db() {
    return this.ctx.database.db
  }

  async register(
    input: { email: string; username: string; password: string; displayName?: string },
    client: ClientInfo,
  ): Promise<AuthResult> {
    const email = input.email.trim().toLowerCase()
    const username = input.username.trim()
    const problem = passwordProblem(input.password, { email, username })
    if (problem) throw fieldError('password', problem, `The password ${problem}.`)
    const passwordHash = await hashPassword(input.password)
    let user: UserRow
    try {
      user = await insertUser(this.db, {
        email,
        username,
        passwordHash,
        displayName: input.displayName?.trim() || null,
      })
    } catch (e) {
      const which = isUniqueViolation(e)
      if (which?.includes('email'))
        throw conflict('An account with this email already exists.', 'email_taken', [{ field: 'email', message: 'is already registered' }])
      if (which?.includes('username'))
        throw conflict('This username is taken.', 'username_taken', [{ field: 'username', message: 'is taken' }])
      throw e
    }
    this.ctx.logger.info({ userId: user.id }, 'account registered')
    await queueVerificationEmail(this.ctx, this.deps.mailOutbox, user)
    return this.startSession(user, client)
  }

  async login(input: { login: string; password: string }, client: ClientInfo): Promise<AuthResult> {
    const login = input.login.trim().toLowerCase()
    const user = await q.findUserByLogin(this.db, login)
    // Counted per account, so its username and its email share one allowance; an unknown login
    // by its text, which behaves exactly the same and so tells nothing about who has an account.
    const attempt = await reserveAttempt(
      this.ctx.cache,
      user ? `rl:login:user:${user.id}` : `rl:login:name:${sha256(login)}`,
      this.ctx.config.rateLimit.windowSeconds,
    )
    // Always run one argon2 verification, so a missing account costs what a wrong password does.
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), input.password)
    if (!user || !user.passwordHash || !ok) throw unauthorized('The login or password is incorrect.', 'invalid_credentials')
    await attempt.succeeded()
    const pendingDeletion = await pendingDeletionRefusal(this.ctx.cache, user)
    if (pendingDeletion) throw pendingDeletion
    if (user.isBlocked) throw forbidden('This account is blocked.', 'account_blocked')
    // 2FA on: no session yet, a 401 two_factor_required with a challenge for POST /auth/login/2fa.
    await secondFactorGate(this.ctx, user)
    return this.startSession(user, client)
  }

  async startSession(user: UserRow, client: ClientInfo): Promise<AuthResult> {
    const sessionToken = randomToken(24)
    const refreshToken = newRefreshToken(sessionToken)
    await q.insertSession(this.db, {
      userId: user.id,
      sessionToken,
      refreshTokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + this.ctx.config.refreshTokenTtlSeconds * 1000),
      ipAddress: clip(client.ip, 45),
      userAgent: clip(client.userAgent, 1000),
      deviceFingerprint: clip(client.deviceFingerprint, 255),
      lastActivity: new Date(),
    })
    return {
      user: presentMe(user),
      accessToken: await this.deps.tokens.sign({ userId: user.id, sessionToken }),
      refreshToken,
      expiresIn: this.ctx.config.accessTokenTtlSeconds,
      tokenType: 'Bearer',
    }
  }

  /**
   * Rotates the refresh token. The old one dies; presenting it again later is taken as theft
   * and ends the whole session, so the thief's and the victim's copies both stop working.
   * Within `refreshReuseGraceSeconds` of its rotation, though, the old token is answered with
   * its successor: concurrent refreshes of one client (tabs, a retry after a lost response)
   * must not end the session they all belong to.
   */
  async refresh(refreshToken: string, client: ClientInfo): Promise<AuthResult> {
    const parsed = parseRefreshToken(refreshToken)
    if (!parsed) throw unauthorized('The refresh token is invalid.', 'refresh_token_invalid')
    const presented = sha256(refreshToken)

    const outcome = await this.db.transaction(async (tx) => {
      const row = await q.lockSessionByToken(tx, parsed.sessionToken)
      if (!row) return { kind: 'invalid' as const }
      const { session, isBlocked } = row
      if (!session.isActive || session.expiresAt.getTime() <= Date.now()) return { kind: 'ended' as const }
      if (isBlocked) return { kind: 'blocked' as const }
      // An app's session is refreshed through OAuth only (features/mastodon), never into a web
      // app session with unlimited scopes.
      if (session.oauthAppId !== null) return { kind: 'invalid' as const }
      if (session.refreshTokenHash && sameHash(session.refreshTokenHash, presented)) {
        const next = newRefreshToken(session.sessionToken)
        await this.successors.remember(refreshToken, next)
        await q.rotateRefreshToken(
          tx,
          { id: session.id, oldHash: presented },
          {
            newHash: sha256(next),
            expiresAt: new Date(Date.now() + this.ctx.config.refreshTokenTtlSeconds * 1000),
            ipAddress: clip(client.ip, 45),
            userAgent: clip(client.userAgent, 1000),
          },
        )
        const user = await q.findUserById(tx, session.userId)
        return { kind: 'rotated' as const, user: user!, sessionToken: session.sessionToken, refreshToken: next }
      }
      const rotated = await q.rotatedFrom(tx, session.id, presented, this.ctx.config.refreshReuseGraceSeconds)
      if (rotated === 'just_now') {
        const successor = await this.successors.latest(refreshToken, session.refreshTokenHash)
        // Without its successor (the cache lost it) the token is refused, but not taken as theft.
        if (!successor) return { kind: 'invalid' as const }
        const user = await q.findUserById(tx, session.userId)
        return { kind: 'rotated' as const, user: user!, sessionToken: session.sessionToken, refreshToken: successor }
      }
      if (rotated === 'earlier') {
        const revoked = await q.revokeSessions(tx, { userId: session.userId, sessionId: session.id }, 'refresh_reuse')
        return { kind: 'reused' as const, revoked, userId: session.userId }
      }
      return { kind: 'invalid' as const }
    })

    switch (outcome.kind) {
      case 'rotated':
        return {
          user: presentMe(outcome.user),
          accessToken: await this.deps.tokens.sign({ userId: outcome.user.id, sessionToken: outcome.sessionToken }),
          refreshToken: outcome.refreshToken,
          expiresIn: this.ctx.config.accessTokenTtlSeconds,
          tokenType: 'Bearer',
        }
      case 'reused':
        await this.endSessions(outcome.revoked)
        this.ctx.logger.warn({ userId: outcome.userId }, 'refresh token reuse detected; session revoked')
        throw unauthorized('This refresh token was already used; the session has been ended for safety.', 'refresh_token_reused')
      case 'blocked':
        throw forbidden('This account is blocked.', 'account_blocked')
      case 'ended':
        throw unauthorized('This session has ended; sign in again.', 'session_revoked')
      case 'invalid':
        throw unauthorized('The refresh token is invalid.', 'refresh_token_invalid')
    }
  }

  /**
   * After the database says the sessions ended: the token cache forgets them, and open realtime
   * streams of theirs close at once on every instance (announced on the bus). Public for flows
   * that end sessions inside their own transaction (password reset, provider takeover).
   */
  async endSessions(sessionTokens: string[]): Promise<void> {
    await this.deps.sessions.revoke(sessionTokens)
    if (sessionTokens.length === 0) return
    await this.ctx.bus
      .publish(REVOKED_CHANNEL, { sessionTokens })
      // Streams re-validate their session on a timer too, so a lost announcement only delays.
      .catch((err) => this.ctx.logger.warn({ err }, 'could not announce revoked sessions'))
  }

  async revokeSession(userId: number, sessionId: number, reason: string): Promise<void> {
    const revoked = await q.revokeSessions(this.db, { userId, sessionId }, reason)
    if (revoked.length === 0) throw notFound('Session')
    await this.endSessions(revoked)
  }

  async revokeOtherSessions(userId: number, currentSessionId: number, reason: string): Promise<number> {
    const revoked = await q.revokeSessions(this.db, { userId, exceptSessionId: currentSessionId }, reason)
    await this.endSessions(revoked)
    return revoked.length
  }

  async revokeAllSessions(userId: number, reason: string): Promise<number> {
    const revoked = await q.revokeSessions(this.db, { userId }, reason)
    await this.endSessions(revoked)
    return revoked.length
  }

  async changePassword(
    auth: { userId: number; sessionId: number },
    input: { currentPassword: string; newPassword: string },
  ): Promise<void> {
    const user = await q.findUserById(this.db, auth.userId)
    if (!user) throw unauthorized()
    if (!(await this.checkCurrentPassword(user, input.currentPassword))) {
      throw new AppError(400, 'invalid_current_password', 'The current password is incorrect.', {
        errors: [{ field: 'currentPassword', message: 'is incorrect' }],
      })
    }
    const problem = passwordProblem(input.newPassword, { email: user.email, username: user.username })
    if (problem) throw fieldError('newPassword', problem, `The new password ${problem}.`)
    await updateUserPassword(this.db, user.id, await hashPassword(input.newPassword))
    await this.deps.users.invalidate(user.id)
    await this.revokeOtherSessions(user.id, auth.sessionId, 'password_changed')
  }

  /**
   * Re-authentication for sensitive changes (password, email). Failures count per account across
   * those routes, so guessing through one does not reset the count of another; 429 once exhausted.
   */
  async checkCurrentPassword(user: UserRow, password: string): Promise<boolean> {
    const attempt = await reserveAttempt(this.ctx.cache, `rl:password:${user.id}`, this.ctx.config.rateLimit.windowSeconds)
    if (!user.passwordHash || !(await verifyPassword(user.passwordHash, password))) return false
    await attempt.succeeded()
    return true
  }

  async listSessions(auth: { userId: number; sessionId: number }) {
    const rows = await q.listActiveSessions(this.db, auth.userId)
    return rows.map(({ session: s, appName }) => ({
      id: s.id,
      current: s.id === auth.sessionId,
      ipAddress: s.ipAddress,
      userAgent: s.userAgent,
      deviceFingerprint: s.deviceFingerprint,
      // a third-party app's session is named after the app (features/mastodon)
      device: appName ? `${appName} (app)` : describeDevice(s.userAgent),
      createdAt: s.createdAt.toISOString(),
      lastActivity: (s.lastActivity ?? s.createdAt).toISOString(),
      expiresAt: s.expiresAt.toISOString(),
    }))
  }
}

/** A short human label for a user agent ("Firefox on Linux"); good enough for a sessions list. */
export function describeDevice(ua: string | null): string {
  if (!ua) return 'Unknown device'
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrome\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : /curl\//.test(ua)
              ? 'curl'
              : undefined
  const os = /iPhone|iPad/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : undefined
  if (browser && os) return `${browser} on ${os}`
  return browser ?? os ?? ua.slice(0, 60)
}
