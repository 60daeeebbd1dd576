// The notification email outbox against a real SMTP server (smtp-server, read back with
// mailparser): delay, digest per user, opt-out, outage and recovery, two workers, a killed worker.
import type { AddressInfo } from 'node:net'
import { eq, inArray, sql } from 'drizzle-orm'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notifications, users } from '../../db/schema.js'
import { inTransaction } from '../../platform/db/transaction.js'
import type { MailMessage } from '../../platform/mail/index.js'
import { createHarness, register, sleep, uniqueName, type Harness, type TestApp } from '../../../test/helpers.js'
import { api } from '../posts/test-support.js'
import { claimDueEmails } from './email-queries.js'
import { EmailWorker, type EmailWorkerOptions } from './email-worker.js'
import { notify } from './notify.js'

/** An SMTP server that can refuse (451, as a busy or broken relay does) or go away entirely. */
class TestSmtp {
  readonly received: ParsedMail[] = []
  refuse = false
  private server!: SMTPServer
  port = 0

  async start() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        if (this.refuse) {
          stream.resume()
          stream.on('end', () => callback(Object.assign(new Error('Try again later'), { responseCode: 451 })))
          return
        }
        simpleParser(stream).then((m) => {
          this.received.push(m)
          callback()
        }, callback)
      },
    })
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve))
    this.port = (this.server.server.address() as AddressInfo).port
    return this
  }

  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  to(address: string) {
    return this.received.filter((m) => [m.to ?? []].flat().some((a) => a.value.some((v) => v.address === address)))
  }
}

let h: Harness
let t: TestApp
let smtp: TestSmtp
const DELAY = 300

beforeAll(async () => {
  smtp = await new TestSmtp().start()
  h = await createHarness()
  t = await h.start({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, NOTIFICATION_EMAIL_DELAY: String(DELAY) })
})
afterAll(async () => {
  await h.close()
  await smtp.stop()
})

const db = () => t.ctx.database.db
const fast: Partial<EmailWorkerOptions> = { backoffBaseSeconds: 0.6, sendTimeoutMs: 5000, leaseSeconds: 30 }

async function makeUsers(n: number, opts: { emailNotifications?: boolean } = {}) {
  return db()
    .insert(users)
    .values(
      Array.from({ length: n }, () => {
        const username = uniqueName('mail')
        return { username, email: `${username.toLowerCase()}@example.test`, emailNotifications: opts.emailNotifications ?? true }
      }),
    )
    .returning()
}

/** Notifications created the real way (notify() in a transaction), then aged past the delay. */
async function notifyAll(pairs: { to: number; from: number; text: string }[], ageSeconds = DELAY + 1) {
  const ids: number[] = []
  for (const p of pairs) {
    const row = await inTransaction(db(), (tx, afterCommit) =>
      notify(t.ctx, tx, afterCommit, { userId: p.to, actorId: p.from, type: 'message', message: p.text }),
    )
    ids.push(row!.id)
  }
  if (ageSeconds > 0) {
    await db()
      .update(notifications)
      .set({ createdAt: sql`now() - make_interval(secs => ${ageSeconds})` })
      .where(inArray(notifications.id, ids))
  }
  return ids
}

const rows = (ids: number[]) => db().select().from(notifications).where(inArray(notifications.id, ids)).orderBy(notifications.id)

/** Runs until a run finds nothing due. */
async function drain(worker: EmailWorker) {
  let total = 0
  for (;;) {
    const r = await worker.runOnce()
    total += r.emailsSent
    if (r.claimed === 0) return total
  }
}

describe('notification emails', () => {
  it('emails only what stayed unread past the delay, one email per user, and marks it sent', async () => {
    const [actor, reader, sleeper, newcomer] = await makeUsers(4)
    const worker = new EmailWorker(t.ctx, fast)
    const [readId] = await notifyAll([{ to: reader!.id, from: actor!.id, text: `${actor!.username} sent you a message` }])
    await db().update(notifications).set({ isRead: true }).where(eq(notifications.id, readId!))
    const sleeperIds = await notifyAll([
      { to: sleeper!.id, from: actor!.id, text: `${actor!.username} sent you a message` },
      { to: sleeper!.id, from: actor!.id, text: `${actor!.username} liked your post` },
    ])
    const [freshId] = await notifyAll([{ to: newcomer!.id, from: actor!.id, text: 'too recent' }], 0)

    expect(await drain(worker)).toBe(1)
    expect(smtp.to(reader!.email)).toHaveLength(0) // read in the app: no email
    expect(smtp.to(newcomer!.email)).toHaveLength(0) // not yet past the delay
    const [mail] = smtp.to(sleeper!.email)
    expect(mail!.subject).toBe('You have 2 new notifications on Hearth')
    expect(mail!.text).toContain(`- ${actor!.username} sent you a message`)
    expect(mail!.text).toContain(`- ${actor!.username} liked your post`)
    expect(mail!.text).toContain('http://localhost:3000/notifications')
    // The HTML part has a dark variant for mail clients in dark mode.
    expect(mail!.html).toContain(`${actor!.username} liked your post`)
    expect(mail!.html).toContain('<meta name="color-scheme" content="light dark">')
    expect(mail!.html).toMatch(/@media \(prefers-color-scheme: dark\)\{body\{background:#16191e;color:#e6e8eb\}/)
    expect((await rows(sleeperIds)).map((r) => r.isEmailSent)).toEqual([true, true])
    expect((await rows([readId!, freshId!])).map((r) => r.isEmailSent)).toEqual([false, false])
    // nothing is sent twice
    expect(await drain(worker)).toBe(0)
    expect(smtp.to(sleeper!.email)).toHaveLength(1)
  })

  it('never emails users who turned emails off', async () => {
    const [actor] = await makeUsers(1)
    const [quiet] = await makeUsers(1, { emailNotifications: false })
    const ids = await notifyAll([{ to: quiet!.id, from: actor!.id, text: 'hello' }])
    const worker = new EmailWorker(t.ctx, fast)
    expect(await drain(worker)).toBe(0)
    expect(smtp.to(quiet!.email)).toHaveLength(0)
    const [row] = await rows(ids)
    expect(row!.isEmailSent).toBe(false)
    expect(await drain(worker)).toBe(0) // settled, not retried forever
  })

  it('retries with backoff while the SMTP server refuses or is down, then delivers once', async () => {
    const [actor, target] = await makeUsers(2)
    const ids = await notifyAll([{ to: target!.id, from: actor!.id, text: `${actor!.username} followed you` }])
    const worker = new EmailWorker(t.ctx, fast)

    smtp.refuse = true
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, emailsSent: 0, failed: 1 })
    let [row] = await rows(ids)
    expect(row).toMatchObject({ isEmailSent: false, emailAttempts: 1 })
    expect(row!.emailLastError).toMatch(/try again later/i)
    expect(row!.emailNextAttemptAt!.getTime()).toBeGreaterThan(Date.now() - 1000)
    // not retried before its backoff elapses
    expect((await worker.runOnce()).claimed).toBe(0)

    // the server goes away altogether: connection refused, and the backoff doubles
    await sleep(900)
    await smtp.stop()
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, failed: 1 })
    ;[row] = await rows(ids)
    expect(row).toMatchObject({ isEmailSent: false, emailAttempts: 2 })
    expect(row!.emailLastError).toMatch(/ECONNREFUSED|connect/i)

    // it comes back
    smtp.refuse = false
    await smtp.start()
    await sleep(1600)
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, emailsSent: 1 })
    ;[row] = await rows(ids)
    expect(row).toMatchObject({ isEmailSent: true, emailAttempts: 3, emailLastError: null })
    expect(smtp.to(target!.email)).toHaveLength(1)
    expect(smtp.to(target!.email)[0]!.subject).toBe(`${actor!.username} followed you`)
  })

  it('gives up after the last attempt', async () => {
    const [actor, target] = await makeUsers(2)
    const ids = await notifyAll([{ to: target!.id, from: actor!.id, text: 'doomed' }])
    const worker = new EmailWorker(t.ctx, { ...fast, maxAttempts: 2, backoffBaseSeconds: 0.05 })
    smtp.refuse = true
    try {
      await worker.runOnce()
      await sleep(150)
      await worker.runOnce()
      await sleep(150)
      expect((await worker.runOnce()).claimed).toBe(0)
      const [row] = await rows(ids)
      expect(row).toMatchObject({ isEmailSent: false, emailAttempts: 2 })
    } finally {
      smtp.refuse = false
    }
  })

  it('two workers running at once send every email exactly once', async () => {
    const other = await h.start({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, NOTIFICATION_EMAIL_DELAY: String(DELAY) })
    const [actor] = await makeUsers(1)
    const targets = await makeUsers(24)
    await notifyAll(targets.map((u) => ({ to: u.id, from: actor!.id, text: 'ping' })))
    const w1 = new EmailWorker(t.ctx, { ...fast, batchSize: 3 })
    const w2 = new EmailWorker(other.ctx, { ...fast, batchSize: 3 })
    const [a, b] = await Promise.all([drain(w1), drain(w2)])
    expect(a + b).toBe(24)
    for (const u of targets) expect(smtp.to(u.email), u.email).toHaveLength(1)
  })

  it('loses nothing when a worker dies after claiming: the lease runs out and another sends it', async () => {
    const [actor, target] = await makeUsers(2)
    const ids = await notifyAll([{ to: target!.id, from: actor!.id, text: 'survives a crash' }])
    // a worker claims the row with a one-second lease and is killed before sending
    const claimed = await claimDueEmails(db(), { delaySeconds: DELAY, leaseSeconds: 1, batch: 10 })
    expect(claimed.map((c) => c.id)).toContain(ids[0])
    const survivor = new EmailWorker(t.ctx, fast)
    expect((await survivor.runOnce()).claimed).toBe(0) // still leased: not sent twice
    await sleep(1100)
    expect(await survivor.runOnce()).toMatchObject({ claimed: 1, emailsSent: 1 })
    expect(smtp.to(target!.email)).toHaveLength(1)
    expect((await rows(ids))[0]!.isEmailSent).toBe(true)
  })

  it('never mails what someone did once a block separates them, though the digest was claimed before it', async () => {
    const a = api(t)
    const [first, ana, zed, ben, cat] = await Promise.all([
      register(t.app),
      register(t.app),
      register(t.app),
      register(t.app),
      register(t.app),
    ])
    // first's notification comes first in the batch; ana's digest would hold ben's like and cat's follow
    await a.follow(cat, first.user.id)
    const post = await a.createPost(ana, 'ana writes')
    expect((await a.put(`/posts/${post.id}/like`, ben)).statusCode).toBe(200)
    await a.follow(cat, ana.user.id)
    await a.follow(ben, zed.user.id)
    const receivers = [first.user.id, ana.user.id, zed.user.id]
    await db()
      .update(notifications)
      .set({ createdAt: sql`now() - make_interval(secs => ${DELAY + 1})` })
      .where(inArray(notifications.userId, receivers))

    // While the first email of the batch is being sent, ana blocks ben, and ben blocks zed.
    let blocked = false
    const mailer = {
      kind: 'smtp' as const,
      close: async () => {},
      send: async (m: MailMessage) => {
        if (m.to === first.user.email && !blocked) {
          blocked = true
          expect((await a.put(`/users/${ben.user.id}/block`, ana)).statusCode).toBe(204)
          expect((await a.put(`/users/${zed.user.id}/block`, ben)).statusCode).toBe(204)
        }
        await t.ctx.mailer.send(m)
      },
    }
    const worker = new EmailWorker({ database: t.ctx.database, config: t.ctx.config, logger: t.ctx.logger, mailer }, fast)
    // registering sent each a verification email too: only notification emails link to /notifications
    const mailsTo = (email: string) => smtp.to(email).filter((m) => m.text?.includes('/notifications'))
    await drain(worker)
    expect(blocked).toBe(true)
    expect(mailsTo(first.user.email)).toHaveLength(1)
    const mails = mailsTo(ana.user.email)
    expect(mails).toHaveLength(1)
    expect(mails[0]!.subject).toBe(`${cat.user.username} started following you`)
    expect(mails[0]!.text).not.toContain(ben.user.username)
    expect(mailsTo(zed.user.email)).toHaveLength(0)
    // and nothing is left to send later
    expect(await drain(worker)).toBe(0)
    expect(mailsTo(ana.user.email)).toHaveLength(1)
  })

  it('runs on its own timer and stops cleanly', async () => {
    const [actor, target] = await makeUsers(2)
    await notifyAll([{ to: target!.id, from: actor!.id, text: 'from the timer' }])
    const worker = new EmailWorker(t.ctx, { ...fast, intervalMs: 50 }).start()
    try {
      const deadline = Date.now() + 5000
      while (smtp.to(target!.email).length === 0 && Date.now() < deadline) await sleep(25)
      expect(smtp.to(target!.email)).toHaveLength(1)
    } finally {
      await worker.stop()
    }
  })
})
