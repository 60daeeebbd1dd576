// Notification settings and one-click unsubscribe: the routes, their authorisation, and the email
// worker honouring them against a real SMTP server (smtp-server, read back with mailparser).
import { eq, inArray, sql } from 'drizzle-orm'
import type { ParsedMail } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notifications, notificationSettings } from '../../db/schema.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { startInbox, type Inbox } from '../auth/test-smtp-inbox.js'
import { api } from '../posts/test-support.js'
import { EmailWorker } from './email-worker.js'
import { notify, type NotificationType } from './notify.js'
import { DEFAULT_SETTINGS } from './settings.js'
import { UnsubscribeTokens } from './unsubscribe.js'

let h: Harness
let t: TestApp
let inbox: Inbox
const DELAY = 300
const SETTINGS = '/users/me/notification-settings'
const UNSUBSCRIBE = '/api/hearth/v1/notifications/unsubscribe'

beforeAll(async () => {
  inbox = await startInbox()
  h = await createHarness()
  t = await h.start({ SMTP_URL: inbox.url, NOTIFICATION_EMAIL_DELAY: String(DELAY) })
})
afterAll(async () => {
  await h.close()
  await inbox.close()
})

const db = () => t.ctx.database.db
const storedRow = async (userId: number) =>
  (await db().select().from(notificationSettings).where(eq(notificationSettings.userId, userId)))[0]

/** Notifications of the given types to `to`, created the real way and aged past the email delay. */
async function notifyAged(to: number, from: number, types: NotificationType[]) {
  const ids: number[] = []
  for (const type of types) {
    const row = await inTransaction(db(), (tx, afterCommit) =>
      notify(t.ctx, tx, afterCommit, { userId: to, actorId: from, type, message: `someone did a ${type}` }),
    )
    ids.push(row!.id)
  }
  await db()
    .update(notifications)
    .set({ createdAt: sql`now() - make_interval(secs => ${DELAY + 1})` })
    .where(inArray(notifications.id, ids))
  return ids
}

async function drain() {
  const worker = new EmailWorker(t.ctx, { sendTimeoutMs: 5000, leaseSeconds: 30 })
  for (;;) if ((await worker.runOnce()).claimed === 0) return
}

/** Notification emails only: registering sent a verification email too. */
const notificationMails = (email: string) => inbox.to(email).filter((m) => m.text?.includes('/notifications'))
/** A header field's value as sent (mailparser turns List-* fields into objects otherwise). */
function header(m: ParsedMail, name: string): string {
  const line = m.headerLines.find((l) => l.key === name.toLowerCase())?.line
  if (line === undefined) throw new Error(`the mail has no ${name} header`)
  return line.slice(line.indexOf(':') + 1).trim()
}
/** The URL in the mail's List-Unsubscribe header. */
const unsubscribeUrl = (m: ParsedMail) => new URL(/^<([^>]+)>$/.exec(header(m, 'list-unsubscribe'))![1]!)

const oneClick = (token: string, headers: Record<string, string> = {}, payload = 'List-Unsubscribe=One-Click') =>
  t.app.inject({
    method: 'POST',
    url: `${UNSUBSCRIBE}?token=${encodeURIComponent(token)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload,
  })

describe('notification settings', () => {
  let ana: Session

  beforeAll(async () => {
    ana = await register(t.app)
  })

  it('starts on the defaults (every type emailed, as before settings existed) and stores nothing', async () => {
    const res = await api(t).get(SETTINGS, ana)
    expect(res.statusCode).toBe(200)
    expect(json(res)).toEqual(DEFAULT_SETTINGS)
    for (const type of Object.keys(DEFAULT_SETTINGS)) expect(json(res)[type].email).toBe(true)
    expect(await storedRow(ana.user.id)).toBeUndefined()
  })

  it('changes only what a PATCH names, and stores only what differs from the defaults', async () => {
    const a = api(t)
    let res = await a.patch(SETTINGS, ana, { like: { email: false } })
    expect(res.statusCode).toBe(200)
    expect(json(res)).toEqual({ ...DEFAULT_SETTINGS, like: { email: false, push: DEFAULT_SETTINGS.like.push } })
    res = await a.patch(SETTINGS, ana, { message: { push: false }, follow: { email: true } })
    expect(json(res)).toMatchObject({ like: { email: false }, message: { email: true, push: false }, follow: { email: true } })
    expect(json(await a.get(SETTINGS, ana))).toEqual(json(res))
    expect((await storedRow(ana.user.id))!.overrides).toEqual({ like: { email: false }, message: { push: false } })
    // an empty PATCH changes nothing
    expect(json(await a.patch(SETTINGS, ana, {}))).toEqual(json(res))
    // back on every default: no row at all
    res = await a.patch(SETTINGS, ana, { like: { email: true }, message: { push: true } })
    expect(json(res)).toEqual(DEFAULT_SETTINGS)
    expect(await storedRow(ana.user.id)).toBeUndefined()
  })

  it('applies concurrent changes one after the other, losing none', async () => {
    const ben = await register(t.app)
    const a = api(t)
    await Promise.all([
      a.patch(SETTINGS, ben, { like: { email: false } }),
      a.patch(SETTINGS, ben, { comment: { email: false } }),
      a.patch(SETTINGS, ben, { mention: { push: false } }),
    ])
    expect(json(await a.get(SETTINGS, ben))).toMatchObject({ like: { email: false }, comment: { email: false }, mention: { push: false } })
  })

  it('refuses unknown types and channels and anything but booleans, naming each field', async () => {
    const a = api(t)
    let p = expectProblem(await a.patch(SETTINGS, ana, { poke: { email: false } }), 400, 'validation_failed')
    expect(p.errors).toEqual([{ field: 'poke', message: 'is not an accepted field' }])
    p = expectProblem(await a.patch(SETTINGS, ana, { like: { sms: true } }), 400, 'validation_failed')
    expect(p.errors).toEqual([{ field: 'like.sms', message: 'is not an accepted field' }])
    p = expectProblem(
      await a.patch(SETTINGS, ana, { like: { email: 'false' }, comment: { push: 0 }, follow: { email: null } }),
      400,
      'validation_failed',
    )
    expect(p.errors).toEqual([
      { field: 'like.email', message: 'must be boolean' },
      { field: 'comment.push', message: 'must be boolean' },
      { field: 'follow.email', message: 'must be boolean' },
    ])
    expectProblem(await a.patch(SETTINGS, ana, { like: true }), 400, 'validation_failed')
    expectProblem(await a.patch(SETTINGS, ana, [] as unknown), 400, 'validation_failed')
    // nothing was stored by any of them
    expect(json(await a.get(SETTINGS, ana))).toEqual(DEFAULT_SETTINGS)
  })

  it('is for the signed-in user only: anonymous calls are refused, and nobody reaches another user’s settings', async () => {
    const a = api(t)
    expectProblem(await a.get(SETTINGS, null), 401, 'unauthorized')
    expectProblem(await a.patch(SETTINGS, null, { like: { email: false } }), 401, 'unauthorized')
    // there is no route naming another user
    const cat = await register(t.app)
    expectProblem(await a.get(`/users/${ana.user.id}/notification-settings`, cat), 404, 'not_found')
    expectProblem(await a.patch(`/users/${ana.user.id}/notification-settings`, cat, { like: { email: false } }), 404, 'not_found')
    // cat's change is cat's alone
    await a.patch(SETTINGS, cat, { comment: { email: false } })
    expect(json(await a.get(SETTINGS, ana))).toEqual(DEFAULT_SETTINGS)
  })
})

describe('the email worker honours the settings', () => {
  it('never mails a type turned off, mails the others, and each email carries a one-click unsubscribe', async () => {
    const a = api(t)
    const [actor, quiet, loud] = await Promise.all([register(t.app), register(t.app), register(t.app)])
    await a.patch(SETTINGS, quiet, { like: { email: false }, comment: { email: false } })
    const quietIds = await notifyAged(quiet.user.id, actor.user.id, ['like', 'comment', 'message'])
    const mutedOnly = await register(t.app)
    await a.patch(SETTINGS, mutedOnly, { follow: { email: false } })
    const mutedIds = await notifyAged(mutedOnly.user.id, actor.user.id, ['follow'])
    await notifyAged(loud.user.id, actor.user.id, ['like', 'mention'])

    await drain()
    // quiet: only the message
    const [mail] = notificationMails(quiet.user.email)
    expect(notificationMails(quiet.user.email)).toHaveLength(1)
    expect(mail!.subject).toBe('someone did a message')
    expect(mail!.text).not.toContain('someone did a like')
    expect(mail!.text).not.toContain('someone did a comment')
    const rows = await db().select().from(notifications).where(inArray(notifications.id, quietIds)).orderBy(notifications.id)
    expect(rows.map((r) => r.isEmailSent)).toEqual([false, false, true])
    // a user whose only notification is of a type turned off gets no email, and it is settled, not retried
    expect(notificationMails(mutedOnly.user.email)).toHaveLength(0)
    const [muted] = await db()
      .select({ retired: sql<boolean>`${notifications.emailNextAttemptAt} = 'infinity'`, sent: notifications.isEmailSent })
      .from(notifications)
      .where(inArray(notifications.id, mutedIds))
    expect(muted).toEqual({ retired: true, sent: false })

    // RFC 8058 headers, and the same link visible in the body
    expect(header(mail!, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click')
    const url = unsubscribeUrl(mail!)
    expect(url.origin + url.pathname).toBe(`http://localhost:3000${UNSUBSCRIBE}`)
    expect(mail!.text).toContain(`Stop emails about messages: ${url.href}`)
    expect(mail!.html).toContain('Stop emails about messages</a>')
    // loud's digest names both its types
    const [digest] = notificationMails(loud.user.email)
    expect(digest!.text).toContain('Stop emails about likes and mentions:')
  })

  it('the one-click POST from the email turns that email off; the next one of its type is not mailed', async () => {
    const a = api(t)
    const [actor, dan] = await Promise.all([register(t.app), register(t.app)])
    await notifyAged(dan.user.id, actor.user.id, ['mention'])
    await drain()
    const [mail] = notificationMails(dan.user.email)
    const token = unsubscribeUrl(mail!).searchParams.get('token')!

    // what a mail client does (RFC 8058): POST the header's URL with List-Unsubscribe=One-Click
    const res = await oneClick(token)
    expect(res.statusCode).toBe(204)
    expect(json(await a.get(SETTINGS, dan))).toEqual({ ...DEFAULT_SETTINGS, mention: { email: false, push: true } })
    // replaying it is harmless
    expect((await oneClick(token)).statusCode).toBe(204)
    expect(json(await a.get(SETTINGS, dan)).mention).toEqual({ email: false, push: true })

    await notifyAged(dan.user.id, actor.user.id, ['mention', 'comment'])
    await drain()
    const mails = notificationMails(dan.user.email)
    expect(mails).toHaveLength(2)
    expect(mails[1]!.subject).toBe('someone did a comment')
    expect(mails[1]!.text).not.toContain('someone did a mention')
  })
})

describe('unsubscribe links', () => {
  const tokens = () => new UnsubscribeTokens(t.ctx.config.jwtSecret)

  it('GET shows a confirmation page with a form that POSTs, and changes nothing', async () => {
    const eve = await register(t.app)
    const token = tokens().token(eve.user.id, ['like', 'follow'])
    const res = await t.app.inject({ method: 'GET', url: `${UNSUBSCRIBE}?token=${token}`, headers: { accept: 'text/html' } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.headers['content-security-policy']).toContain("script-src 'self'")
    expect(res.body).toContain('emails about likes and new followers')
    expect(res.body).toContain(`<form method="post" action="unsubscribe?token=${encodeURIComponent(token)}">`)
    expect(res.body).toContain('name="List-Unsubscribe" value="One-Click"')
    expect(res.body).not.toContain('<script')
    // a scanner following the link changes nothing, however often
    await t.app.inject({ method: 'GET', url: `${UNSUBSCRIBE}?token=${token}` })
    expect(json(await api(t).get(SETTINGS, eve))).toEqual(DEFAULT_SETTINGS)
    expect(await storedRow(eve.user.id)).toBeUndefined()
  })

  it('the page’s button (a browser form POST) unsubscribes and answers with a page', async () => {
    const fay = await register(t.app)
    const token = tokens().token(fay.user.id, ['like', 'follow'])
    const res = await oneClick(token, { accept: 'text/html,application/xhtml+xml' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('You are unsubscribed')
    const s = json(await api(t).get(SETTINGS, fay))
    expect([s.like.email, s.follow.email, s.comment.email]).toEqual([false, false, true])
  })

  it('accepts the one-click body as multipart/form-data too', async () => {
    const gus = await register(t.app)
    const token = tokens().token(gus.user.id, ['comment'])
    const boundary = 'x-hearth-boundary'
    const res = await t.app.inject({
      method: 'POST',
      url: `${UNSUBSCRIBE}?token=${token}`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    })
    expect(res.statusCode).toBe(204)
    expect(json(await api(t).get(SETTINGS, gus)).comment.email).toBe(false)
  })

  it('refuses forged, altered, garbled and expired tokens with a stable code, and a POST without the one-click body', async () => {
    const hal = await register(t.app)
    const other = await register(t.app)
    const good = tokens().token(hal.user.id, ['message'])
    const [user, types, exp, sig] = good.split('.')
    const bad = [
      `${other.user.id}.${types}.${exp}.${sig}`, // another user
      `${user}.like-message.${exp}.${sig}`, // another type
      `${user}.${types}.${Number(exp) + 86400}.${sig}`, // a later expiry
      new UnsubscribeTokens('some other secret, 32 characters at least').token(hal.user.id, ['message']), // forged
      tokens().token(hal.user.id, ['message'], Date.now() - 400 * 86_400_000), // expired
      'garbage',
      `${user}.poke.${exp}.${sig}`,
      `${'9'.repeat(40)}.message.${exp}.${sig}`,
      `${good}.`,
    ]
    for (const token of bad) {
      expectProblem(await oneClick(token), 403, 'unsubscribe_token_invalid')
      expectProblem(
        await t.app.inject({ method: 'GET', url: `${UNSUBSCRIBE}?token=${encodeURIComponent(token)}` }),
        403,
        'unsubscribe_token_invalid',
      )
    }
    // a browser gets a page saying so
    const page = await t.app.inject({ method: 'GET', url: `${UNSUBSCRIBE}?token=garbage`, headers: { accept: 'text/html' } })
    expect(page.statusCode).toBe(403)
    expect(page.body).toContain('Nothing was changed')
    expectProblem(await t.app.inject({ method: 'POST', url: UNSUBSCRIBE }), 400, 'validation_failed')
    // the right token, without List-Unsubscribe=One-Click
    expectProblem(await oneClick(good, {}, 'List-Unsubscribe=Maybe'), 400, 'validation_failed')
    expectProblem(await t.app.inject({ method: 'POST', url: `${UNSUBSCRIBE}?token=${good}` }), 400, 'validation_failed')
    expect(json(await api(t).get(SETTINGS, hal))).toEqual(DEFAULT_SETTINGS)
    expect(json(await api(t).get(SETTINGS, other))).toEqual(DEFAULT_SETTINGS)
  })

  it('a token for an account that is gone does nothing and fails nothing', async () => {
    const token = tokens().token(2_000_000_000, ['like'])
    expect((await oneClick(token)).statusCode).toBe(204)
    expect(await storedRow(2_000_000_000)).toBeUndefined()
  })
})
