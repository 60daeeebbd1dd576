// Proving an email address, getting back into an account by email, and moving an account to a
// new address: each mails a single-use link whose token is stored only as a hash.
import type { AppContext } from '../../context.js'
import { AppError, conflict, fieldError, rateLimited, unauthorized } from '../../http/errors.js'
import { subsystemLogger } from '../../logger.js'
import { isUniqueViolation } from '../../platform/db/errors.js'
import { inTransaction } from '../../platform/db/transaction.js'
import type { MailOutbox, QueuedMail } from '../../platform/mail/index.js'
import { deleteLinks } from '../oauth/index.js'
import { lockUser, markEmailVerified, setPasswordProvingEmail, setProvenEmail, type UserRow } from '../users/index.js'
import * as tq from './email-queries.js'
import { hashPassword, passwordProblem } from './passwords.js'
import { findSessionCreatedAt, findUserById, findUserByLogin, revokeSessions } from './queries.js'
import type { AuthDeps, AuthService } from './service.js'
import { randomToken, sha256 } from './tokens.js'

export const VERIFY_TTL_SECONDS = 24 * 3600
export const RESET_TTL_SECONDS = 30 * 60
export const CHANGE_TTL_SECONDS = 24 * 3600
/** An account without a password proves it is its owner asking by having signed in this recently. */
export const RECENT_SIGN_IN_SECONDS = 15 * 60
/** Mails of one kind to one address per window, whoever asks and from wherever. */
export const MAILS_PER_ADDRESS = 5
export const MAIL_WINDOW_SECONDS = 3600

// Registration's answer for an address in use, so clients handle both alike.
const emailTaken = () =>
  conflict('An account with this email already exists.', 'email_taken', [{ field: 'email', message: 'is already registered' }])
const invalidToken = () => new AppError(400, 'token_invalid', 'This link is invalid, expired or already used. Ask for a new one.')

/**
 * Account mails go through the outbox (platform/mail/outbox.ts): written in the transaction that
 * stores the link's token, sent right after the commit, retried while the mail server fails. A
 * slow or failing mail server never fails or slows the request.
 */
/** Stores the link's token and its mail together, then sends it. */
async function mailWithToken(
  ctx: AppContext,
  outbox: MailOutbox,
  token: { user: UserRow; purpose: tq.EmailTokenPurpose; ttlSeconds: number; email?: string; retire?: boolean },
  mails: (token: string, expiresAt: Date) => QueuedMail[],
): Promise<void> {
  const raw = randomToken(32)
  const expiresAt = new Date(Date.now() + token.ttlSeconds * 1000)
  await inTransaction(ctx.database.db, async (tx) => {
    // Only the newest link counts: an older one may have gone to a mistyped address.
    if (token.retire) await tq.retireTokens(tx, token.user.id, token.purpose)
    await tq.insertEmailToken(tx, {
      userId: token.user.id,
      purpose: token.purpose,
      tokenHash: sha256(raw),
      email: token.email ?? token.user.email,
      expiresAt,
    })
    for (const mail of mails(raw, expiresAt)) await outbox.enqueue(tx, mail)
  })
  outbox.kick()
}

function verificationMail(ctx: AppContext, user: UserRow, token: string, expiresAt: Date): QueuedMail {
  const link = `${ctx.config.publicUrl}/verify-email?token=${token}`
  return {
    kind: 'verification',
    expiresAt,
    to: user.email,
    subject: 'Confirm your email address for Hearth',
    text: `Hello ${user.displayName ?? user.username},\n\nConfirm that this address is yours by opening this link within 24 hours:\n\n${link}\n\nIf you did not create a Hearth account, ignore this email.\n`,
  }
}

const sendVerification = (ctx: AppContext, outbox: MailOutbox, user: UserRow) =>
  mailWithToken(ctx, outbox, { user, purpose: 'verify_email', ttlSeconds: VERIFY_TTL_SECONDS }, (token, expiresAt) => [
    verificationMail(ctx, user, token, expiresAt),
  ])

/** Called on registration: the account works at once; the mail is queued, and a failure to queue it is only logged. */
export async function queueVerificationEmail(ctx: AppContext, outbox: MailOutbox, user: UserRow): Promise<void> {
  await sendVerification(ctx, outbox, user).catch((err: unknown) =>
    subsystemLogger(ctx.logger, 'mail').error({ err, userId: user.id }, 'could not queue the verification email'),
  )
}

export class EmailFlows {
  constructor(
    private readonly ctx: AppContext,
    private readonly auth: AuthService,
    private readonly deps: Pick<AuthDeps, 'users' | 'mailOutbox'>,
  ) {}

  private get db() {
    return this.ctx.database.db
  }

  private async limitAddress(purpose: tq.EmailTokenPurpose, email: string) {
    const { count, resetInSeconds } = await this.ctx.cache.hit(`rl:mail:${purpose}:${sha256(email)}`, MAIL_WINDOW_SECONDS)
    if (count > MAILS_PER_ADDRESS) throw rateLimited(resetInSeconds)
  }

  async requestVerification(userId: number): Promise<void> {
    const user = await findUserById(this.db, userId)
    if (!user) throw unauthorized()
    if (user.emailVerifiedAt) throw conflict('Your email address is already confirmed.', 'email_already_verified')
    await this.limitAddress('verify_email', user.email)
    await sendVerification(this.ctx, this.deps.mailOutbox, user)
  }

  async verifyEmail(token: string): Promise<void> {
    const userId = await inTransaction(this.db, async (tx) => {
      const used = await tq.consumeToken(tx, sha256(token), 'verify_email')
      // A link mailed to an address the account no longer has proves nothing about the account.
      if (!used || !(await markEmailVerified(tx, used.userId, used.email))) throw invalidToken()
      return used.userId
    })
    await this.deps.users.invalidate(userId)
  }

  /**
   * Answers the same way whether or not the account exists: the per-address limit counts every
   * address asked about, and the lookup and the mail happen after the response.
   */
  async forgotPassword(rawEmail: string): Promise<void> {
    const email = rawEmail.trim().toLowerCase()
    await this.limitAddress('password_reset', email)
    void (async () => {
      const user = await findUserByLogin(this.db, email)
      if (!user || user.isBlocked) return
      await mailWithToken(
        this.ctx,
        this.deps.mailOutbox,
        { user, purpose: 'password_reset', ttlSeconds: RESET_TTL_SECONDS },
        (token, expiresAt) => [
          {
            kind: 'password reset',
            expiresAt,
            to: user.email,
            subject: 'Reset your Hearth password',
            text: `Hello ${user.displayName ?? user.username},\n\nSomeone (hopefully you) asked to reset the password of your Hearth account. Choose a new password within 30 minutes here:\n\n${this.ctx.config.publicUrl}/reset-password?token=${token}\n\nThe link works once. Using it signs you out everywhere. If you did not ask for this, ignore this email; your password stays as it is.\n`,
          },
        ],
      )
    })().catch((err: unknown) => subsystemLogger(this.ctx.logger, 'mail').error({ err }, 'could not queue the password reset email'))
  }

  /**
   * Sets a new password from a mailed link. The link proves the address; every session ends. If
   * the address had never been proven, providers linked in the meantime go as well: they were
   * added by whoever held the password, not necessarily by the address's owner (README rule).
   */
  async resetPassword(input: { token: string; newPassword: string }): Promise<void> {
    const hash = sha256(input.token)
    // Checked before the token is used up, so a refused password does not cost the link.
    const found = await tq.findLiveToken(this.db, hash, 'password_reset')
    const user = found && (await findUserById(this.db, found.userId))
    if (!found || !user || user.email !== found.email) throw invalidToken()
    const problem = passwordProblem(input.newPassword, { email: user.email, username: user.username })
    if (problem) throw fieldError('newPassword', problem, `The new password ${problem}.`)
    const passwordHash = await hashPassword(input.newPassword)

    const revoked = await inTransaction(this.db, async (tx) => {
      if (!(await tq.consumeToken(tx, hash, 'password_reset'))) throw invalidToken()
      await tq.retireTokens(tx, user.id, 'password_reset')
      const current = (await lockUser(tx, { id: user.id }))!
      if (!current.emailVerifiedAt) await deleteLinks(tx, { userId: user.id })
      await setPasswordProvingEmail(tx, user.id, passwordHash)
      return revokeSessions(tx, { userId: user.id }, 'password_reset')
    })
    await this.auth.endSessions(revoked)
    await this.deps.users.invalidate(user.id)
    subsystemLogger(this.ctx.logger, 'auth').info({ userId: user.id, sessions: revoked.length }, 'password reset by email')
  }
  /**
   * Starts moving the account to a new address. Whoever asks must prove they are the owner, not
   * just someone holding a session: the current password, or for an account without one a
   * sign-in within the last 15 minutes. The new address gets the link (proving it is theirs);
   * the current one gets a notice, so a hijacker's change does not go unseen.
   */
  async requestEmailChange(auth: { userId: number; sessionId: number }, input: { email: string; password?: string }): Promise<void> {
    const user = await findUserById(this.db, auth.userId)
    if (!user) throw unauthorized()
    await this.reauthenticate(user, auth.sessionId, input.password)
    const email = input.email.trim().toLowerCase()
    if (email === user.email) {
      throw new AppError(400, 'email_unchanged', 'This is already your email address.', {
        errors: [{ field: 'email', message: 'is your current address' }],
      })
    }
    if (await tq.emailTakenByOther(this.db, email, user.id)) throw emailTaken()
    await this.limitAddress('change_email', email)

    const name = user.displayName ?? user.username
    await mailWithToken(
      this.ctx,
      this.deps.mailOutbox,
      { user, purpose: 'change_email', ttlSeconds: CHANGE_TTL_SECONDS, email, retire: true },
      (token, expiresAt) => [
        {
          kind: 'email change',
          expiresAt,
          to: email,
          subject: 'Confirm your new email address for Hearth',
          text: `Hello ${name},\n\nTo make this the email address of your Hearth account @${user.username}, open this link within 24 hours:\n\n${this.ctx.config.publicUrl}/confirm-email?token=${token}\n\nUntil then your account keeps its current address. If you did not ask for this, ignore this email.\n`,
        },
        {
          kind: 'email change notice',
          expiresAt,
          to: user.email,
          subject: 'Your Hearth email address is about to change',
          text: `Hello ${name},\n\nSomeone signed in to your Hearth account @${user.username} asked to change its email address to ${email}. The change happens only when the link mailed to that address is opened.\n\nIf this wasn't you, change your password now and sign out your other sessions in Settings.\n`,
        },
      ],
    )
    subsystemLogger(this.ctx.logger, 'auth').info({ userId: user.id }, 'email change requested')
  }

  private async reauthenticate(user: UserRow, sessionId: number, password: string | undefined): Promise<void> {
    if (user.passwordHash) {
      if (!password)
        throw fieldError(
          'password',
          'is required to change your email address',
          'Enter your current password to change your email address.',
        )
      if (!(await this.auth.checkCurrentPassword(user, password))) {
        throw new AppError(403, 'invalid_current_password', 'The current password is incorrect.', {
          errors: [{ field: 'password', message: 'is incorrect' }],
        })
      }
      return
    }
    const signedInAt = await findSessionCreatedAt(this.db, sessionId)
    if (!signedInAt || Date.now() - signedInAt.getTime() > RECENT_SIGN_IN_SECONDS * 1000) {
      throw new AppError(
        403,
        'reauthentication_required',
        'For your safety, sign in again (with Google or GitHub) and then change your email address within 15 minutes.',
      )
    }
  }

  /**
   * Moves the account to the address the link was mailed to, now proven. Every other outstanding
   * link of the account (verification, reset, older changes) stops working with it.
   */
  async confirmEmailChange(token: string): Promise<void> {
    const userId = await inTransaction(this.db, async (tx) => {
      const used = await tq.consumeToken(tx, sha256(token), 'change_email')
      if (!used) throw invalidToken()
      const user = await lockUser(tx, { id: used.userId })
      if (!user || user.isBlocked) throw invalidToken()
      // Taken since the request: refused, and the link (rolled back with the rest) stays unused.
      if (await tq.emailTakenByOther(tx, used.email, user.id)) throw emailTaken()
      await tq.retireAllTokens(tx, user.id)
      try {
        await setProvenEmail(tx, user.id, used.email)
      } catch (e) {
        // An account registered with the address between the check and the write: the unique index decides.
        if (isUniqueViolation(e) !== null) throw emailTaken()
        throw e
      }
      return user.id
    })
    await this.deps.users.invalidate(userId)
    subsystemLogger(this.ctx.logger, 'auth').info({ userId }, 'email changed')
  }
}
