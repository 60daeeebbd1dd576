// Emails notifications that stayed unread for NOTIFICATION_EMAIL_DELAY seconds. An outbox on the
// notifications table: any number of workers (one per instance) claim disjoint batches, a claim
// is a lease (a worker killed mid-batch delays its rows, never loses them), and SMTP failures are
// retried with exponential backoff. A crash between the SMTP server accepting a message and the
// row being marked sent is the one case that re-sends (at least once, like any SMTP outbox).
// An email's content is read again just before it is sent (stillDue), not taken from the claim:
// SMTP sends of a batch run one after another and a lease lasts minutes, and a block made
// meanwhile deletes the notifications between the two people, so what the blocked person did
// never leaves in an email after the block. Only a block landing during that one SMTP exchange
// can miss it. A type the user turned email off for (notification settings) is never mailed, and
// every email carries a one-click unsubscribe link for the types it is about (unsubscribe.ts).
import type { AppContext } from '../../context.js'
import { subsystemLogger, type Logger } from '../../logger.js'
import { startJob, type Job } from '../../platform/jobs/index.js'
import { notificationEmail } from './email-content.js'
import { claimDueEmails, markEmailSent, retireEmail, scheduleRetry, stillDue, type ClaimedEmail } from './email-queries.js'
import { UnsubscribeTokens } from './unsubscribe.js'

export interface EmailWorkerOptions {
  /** how often to look for due notifications */
  intervalMs: number
  batchSize: number
  /** how long a claim holds its rows; must comfortably exceed a batch's sending time */
  leaseSeconds: number
  /** first retry after this long, doubling per attempt up to backoffMaxSeconds */
  backoffBaseSeconds: number
  backoffMaxSeconds: number
  /** after this many failed attempts a notification is no longer emailed */
  maxAttempts: number
  /** one email taking longer than this counts as failed */
  sendTimeoutMs: number
}

export const defaultEmailWorkerOptions: EmailWorkerOptions = {
  intervalMs: 10_000,
  batchSize: 50,
  leaseSeconds: 600,
  backoffBaseSeconds: 60,
  backoffMaxSeconds: 6 * 3600,
  maxAttempts: 10,
  sendTimeoutMs: 60_000,
}

export interface RunResult {
  claimed: number
  emailsSent: number
  failed: number
  skipped: number
}

export class EmailWorker {
  readonly options: EmailWorkerOptions
  private readonly logger: Logger
  private job: Job<RunResult> | undefined
  private readonly unsubscribe: UnsubscribeTokens

  constructor(
    private readonly ctx: Pick<AppContext, 'database' | 'mailer' | 'config' | 'logger'>,
    options: Partial<EmailWorkerOptions> = {},
  ) {
    this.options = { ...defaultEmailWorkerOptions, ...options }
    this.logger = subsystemLogger(ctx.logger, 'jobs').child({ job: 'notification-emails' })
    this.unsubscribe = new UnsubscribeTokens(ctx.config.jwtSecret)
  }

  start(): this {
    this.job = startJob(this.ctx, {
      name: 'notification-emails',
      run: () => this.runOnce(),
      every: this.options.intervalMs,
      // keep going while batches come back full, so a backlog drains at SMTP speed
      again: (r) => r.claimed === this.options.batchSize,
      failure: 'notification email run failed',
    })
    return this
  }

  /** Finishes the email being sent, then stops; claimed rows not reached wait for their lease. */
  async stop(): Promise<void> {
    await this.job?.stop()
  }

  private get stopping() {
    return this.job?.stopping ?? false
  }

  /** One batch: claim, send one email per user, settle each user's rows right after their email. */
  async runOnce(): Promise<RunResult> {
    const db = this.ctx.database.db
    const claimedAt = Date.now()
    const claimed = await claimDueEmails(db, {
      delaySeconds: this.ctx.config.mail.notificationDelaySeconds,
      leaseSeconds: this.options.leaseSeconds,
      batch: this.options.batchSize,
    })
    const result: RunResult = { claimed: claimed.length, emailsSent: 0, failed: 0, skipped: 0 }
    const byUser = new Map<number, ClaimedEmail[]>()
    for (const c of claimed) byUser.set(c.userId, [...(byUser.get(c.userId) ?? []), c])

    for (const ofUser of byUser.values()) {
      // a type the user turned email off for (or all of them) is never mailed
      const unwanted = ofUser.filter((c) => !c.wantsEmail)
      if (unwanted.length > 0) {
        await retireEmail(db, unwanted, null)
        result.skipped += unwanted.length
      }
      const claimedItems = ofUser.filter((c) => c.wantsEmail)
      if (claimedItems.length === 0) continue
      // Stop while the lease still covers a whole send; the rest is retried once it runs out.
      const leaseLeft = claimedAt + this.options.leaseSeconds * 1000 - Date.now()
      if (this.stopping || leaseLeft < this.options.sendTimeoutMs) break
      // What is still to be said, read now: rows dropped since the claim are never emailed.
      const items = await stillDue(db, claimedItems)
      const dropped = claimedItems.filter((c) => !items.includes(c))
      if (dropped.length > 0) {
        await retireEmail(db, dropped, null)
        result.skipped += dropped.length
      }
      if (items.length === 0) continue
      try {
        await this.sendWithTimeout(items)
        await markEmailSent(db, items)
        result.emailsSent++
      } catch (err) {
        result.failed += items.length
        const attempts = Math.max(...items.map((i) => i.attempts))
        const error = err instanceof Error ? err.message : String(err)
        if (attempts >= this.options.maxAttempts) {
          this.logger.error({ err, userId: items[0]!.userId, attempts }, 'giving up on a notification email')
          await retireEmail(db, items, error)
        } else {
          const delay = this.backoffSeconds(attempts)
          this.logger.warn({ err, userId: items[0]!.userId, attempts, retryInSeconds: delay }, 'notification email failed; will retry')
          await scheduleRetry(db, items, delay, error)
        }
      }
    }
    return result
  }

  /** base × 2^(attempt-1), capped, with ±20 % jitter so a recovering server is not hit all at once. */
  backoffSeconds(attempt: number): number {
    const raw = Math.min(this.options.backoffMaxSeconds, this.options.backoffBaseSeconds * 2 ** Math.max(0, attempt - 1))
    return raw * (0.8 + Math.random() * 0.4)
  }

  private async sendWithTimeout(items: ClaimedEmail[]) {
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        this.ctx.mailer.send(notificationEmail(items, this.ctx.config.publicUrl, this.unsubscribe)),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer from the mail server within ${this.options.sendTimeoutMs} ms`)),
            this.options.sendTimeoutMs,
          )
        }),
      ])
    } finally {
      clearTimeout(timer)
    }
  }
}
