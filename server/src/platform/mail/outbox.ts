// The outbox of account emails (verification, password reset, email change): a mail is a row of
// mail_outbox, written in the transaction that creates its token, so a mail server that is down
// or slow delays it instead of losing it. `kick` sends at once after the commit (the happy path
// takes no longer than sending directly); the scheduled run (JOBS_ENABLED) retries failures with
// exponential backoff until the mail is sent or its link has expired. Claims are leases, so any
// number of workers take disjoint rows and a worker killed mid-send delays its rows, never loses
// them. As with any SMTP outbox, a crash between the server accepting a mail and the row being
// deleted re-sends it (at least once).
import { and, eq, sql } from 'drizzle-orm'
import { mailOutbox } from '../../db/schema.js'
import { subsystemLogger, type Logger } from '../../logger.js'
import type { Database, DbOrTx } from '../db/index.js'
import { queryRows } from '../db/rows.js'
import { startJob, type Job } from '../jobs/index.js'
import type { Mailer, MailMessage } from './types.js'

export interface MailOutboxOptions {
  /** how often the scheduled run looks for mails due for a retry */
  intervalMs: number
  batchSize: number
  /** how long a claim holds its rows; must comfortably exceed a batch's sending time */
  leaseSeconds: number
  /** first retry after this long, doubling per attempt up to backoffMaxSeconds */
  backoffBaseSeconds: number
  backoffMaxSeconds: number
  /** one mail taking longer than this counts as failed */
  sendTimeoutMs: number
}

const defaultMailOutboxOptions: MailOutboxOptions = {
  intervalMs: 10_000,
  batchSize: 50,
  leaseSeconds: 300,
  backoffBaseSeconds: 15,
  // account mails are awaited by someone: never wait more than 10 minutes between attempts
  backoffMaxSeconds: 600,
  sendTimeoutMs: 60_000,
}

export interface OutboxRunResult {
  claimed: number
  sent: number
  failed: number
  expired: number
}

export interface QueuedMail extends MailMessage {
  /** for the logs: 'verification', 'password reset'... */
  kind: string
  /** when the link inside stops working: an unsent mail is dropped then */
  expiresAt: Date
}

interface ClaimedMail {
  id: number
  attempts: number
  kind: string
  message: MailMessage
}

export class MailOutbox {
  readonly options: MailOutboxOptions
  private readonly log: Logger
  /** unscheduled: `kick` and the scheduled job both run through it, so runs never overlap in a process */
  private readonly job: Job<OutboxRunResult>
  private scheduled: Job<OutboxRunResult | null> | undefined

  constructor(
    private readonly deps: { database: Database; mailer: Mailer; logger: Logger },
    options: Partial<MailOutboxOptions> = {},
  ) {
    this.options = { ...defaultMailOutboxOptions, ...options }
    this.log = subsystemLogger(deps.logger, 'mail').child({ job: 'mail-outbox' })
    this.job = startJob(deps, { name: 'mail-outbox', run: () => this.run(), every: this.options.intervalMs, schedule: false })
  }

  /** Writes a mail to the outbox; pass the transaction that creates its token, then `kick` after the commit. */
  async enqueue(db: DbOrTx, mail: QueuedMail): Promise<void> {
    await db.insert(mailOutbox).values({
      toAddress: mail.to,
      subject: mail.subject,
      bodyText: mail.text,
      bodyHtml: mail.html ?? null,
      kind: mail.kind,
      expiresAt: mail.expiresAt,
    })
  }

  /**
   * Drops every mail waiting for this address (an account being deleted): none is sent after the
   * call, except one a worker had already claimed. Returns how many went.
   */
  async cancelMailTo(db: DbOrTx, address: string): Promise<number> {
    const gone = await db.delete(mailOutbox).where(eq(mailOutbox.toAddress, address)).returning({ id: mailOutbox.id })
    return gone.length
  }

  /** Sends what is due now, in the background; a failure is left to the retries. */
  kick(): void {
    this.job.runOnce().catch((err: unknown) => this.log.error({ err }, 'mail outbox run failed; retrying at the next run'))
  }

  /** One run now (after a run in progress). */
  runOnce(): Promise<OutboxRunResult | null> {
    return this.job.runOnce()
  }

  /** Starts the scheduled runs that retry failed mails (instances with JOBS_ENABLED). */
  start(): this {
    this.scheduled ??= startJob(this.deps, {
      name: 'mail-outbox',
      run: () => this.job.runOnce(),
      every: this.options.intervalMs,
      again: (r) => r?.claimed === this.options.batchSize,
      failure: 'mail outbox run failed',
    })
    return this
  }

  /** Finishes the mail being sent, then stops; claimed rows not reached wait for their lease. */
  async stop(): Promise<void> {
    await this.scheduled?.stop()
    await this.job.stop()
  }

  private async run(): Promise<OutboxRunResult> {
    const db = this.deps.database.db
    const expired = await queryRows<{ kind: string }>(db, sql`DELETE FROM mail_outbox WHERE expires_at <= now() RETURNING kind`)
    for (const e of expired) this.log.error({ kind: e.kind }, 'giving up on an account email: its link expired before it could be sent')

    const claimedAt = Date.now()
    const claimed = await this.claim(db)
    const result: OutboxRunResult = { claimed: claimed.length, sent: 0, failed: 0, expired: expired.length }
    for (const mail of claimed) {
      // Stop while the lease still covers a whole send; the rest is retried once it runs out.
      const leaseLeft = claimedAt + this.options.leaseSeconds * 1000 - Date.now()
      if (this.job.stopping || leaseLeft < this.options.sendTimeoutMs) break
      try {
        await this.sendWithTimeout(mail.message)
        await db.delete(mailOutbox).where(eq(mailOutbox.id, mail.id))
        result.sent++
      } catch (err) {
        result.failed++
        const delay = this.backoffSeconds(mail.attempts)
        const error = err instanceof Error ? err.message : String(err)
        this.log.warn({ err, kind: mail.kind, attempts: mail.attempts, retryInSeconds: delay }, 'account email failed; will retry')
        await db
          .update(mailOutbox)
          .set({ nextAttemptAt: sql`now() + make_interval(secs => ${delay})`, lastError: error.slice(0, 500) })
          .where(and(eq(mailOutbox.id, mail.id), eq(mailOutbox.attempts, mail.attempts)))
      }
    }
    return result
  }

  /**
   * Claims up to a batch of due mails in one statement: rows another worker holds are skipped
   * (SKIP LOCKED), and each claimed row's next attempt moves a lease ahead.
   */
  private async claim(db: DbOrTx): Promise<ClaimedMail[]> {
    const rows = await queryRows<{
      id: number
      attempts: number
      kind: string
      to_address: string
      subject: string
      body_text: string
      body_html: string | null
    }>(
      db,
      sql`
        UPDATE mail_outbox AS m
        SET next_attempt_at = now() + make_interval(secs => ${this.options.leaseSeconds}), attempts = m.attempts + 1
        FROM (
          SELECT id FROM mail_outbox
          WHERE next_attempt_at <= now() AND expires_at > now()
          ORDER BY id
          LIMIT ${this.options.batchSize}
          FOR UPDATE SKIP LOCKED
        ) AS due
        WHERE m.id = due.id
        RETURNING m.id, m.attempts, m.kind, m.to_address, m.subject, m.body_text, m.body_html
      `,
    )
    return rows.map((r) => ({
      id: Number(r.id),
      attempts: Number(r.attempts),
      kind: r.kind,
      message: { to: r.to_address, subject: r.subject, text: r.body_text, ...(r.body_html ? { html: r.body_html } : {}) },
    }))
  }

  /** base × 2^(attempt-1), capped, with ±20 % jitter so a recovering server is not hit all at once. */
  backoffSeconds(attempt: number): number {
    const raw = Math.min(this.options.backoffMaxSeconds, this.options.backoffBaseSeconds * 2 ** Math.max(0, attempt - 1))
    return raw * (0.8 + Math.random() * 0.4)
  }

  private async sendWithTimeout(message: MailMessage) {
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        this.deps.mailer.send(message),
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
