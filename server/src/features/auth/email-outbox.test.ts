// Account emails survive a mail server that is down: the test owns a real SMTP server, stops it,
// asks for a password reset, starts it again on the same port and reads the mail the outbox
// retried, then follows its link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, login, register, sleep, type Harness, type TestApp } from '../../../test/helpers.js'
import { mailOutbox } from '../../db/schema.js'
import { linkToken, startInbox, type Inbox } from './test-smtp-inbox.js'

let h: Harness
let t: TestApp
let inbox: Inbox
let port: number

beforeAll(async () => {
  inbox = await startInbox()
  port = Number(new URL(inbox.url).port)
  h = await createHarness()
  // Retries within about a second, so the test waits for one, not for production's backoff.
  t = await h.start({ SMTP_URL: inbox.url }, { mailOutbox: { intervalMs: 100, backoffBaseSeconds: 0.3, backoffMaxSeconds: 1 } })
  t.services.mailOutbox.start() // what main.ts does with JOBS_ENABLED
})
afterAll(async () => {
  await h.close()
  await inbox.close()
})

const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url: `/api/hearth/v1${url}`, payload: payload as object })
const outbox = () => t.ctx.database.db.select().from(mailOutbox)

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = await check()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

describe('account emails while the mail server is down', () => {
  it('a password reset asked for while SMTP is down is mailed once it is back, and its link works', async () => {
    const u = await register(t.app)
    await inbox.waitFor(u.user.email, /Confirm your email/) // the happy path: sent at once
    // A sent mail (and the token in it) leaves the outbox — just after the server took it, so wait.
    await until('the sent mail to leave the outbox', async () => ((await outbox()).length === 0 ? true : undefined))

    await inbox.close()
    const started = performance.now()
    expect((await post('/auth/password/forgot', { email: u.user.email })).statusCode).toBe(202)
    expect(performance.now() - started).toBeLessThan(1000) // the answer does not wait for SMTP

    // Tried, refused, kept for a retry.
    const [failed] = await until('a failed attempt', async () => {
      const rows = await outbox()
      return rows.length === 1 && rows[0]!.attempts >= 1 && rows[0]!.lastError ? rows : undefined
    })
    expect(failed).toMatchObject({ toAddress: u.user.email, kind: 'password reset', subject: 'Reset your Hearth password' })
    expect(failed!.lastError).toMatch(/ECONNREFUSED/)

    inbox = await startInbox(port)
    const mail = await inbox.waitFor(u.user.email, /Reset your Hearth password/)
    expect(inbox.to(u.user.email)).toHaveLength(1)
    await until('the sent mail to leave the outbox', async () => ((await outbox()).length === 0 ? true : undefined))

    const { token } = linkToken(mail)
    expect((await post('/auth/password/reset', { token, newPassword: 'back after the outage' })).statusCode).toBe(204)
    await login(t.app, u.user.username, 'back after the outage')
    expectProblem(await post('/auth/login', { login: u.user.username, password: u.password }), 401, 'invalid_credentials')
  })

  it('drops a mail whose link expired before the mail server came back', async () => {
    await inbox.close()
    const u = await register(t.app) // its verification mail cannot be sent now
    await until('a failed attempt', async () => ((await outbox()).some((r) => r.attempts >= 1) ? true : undefined))
    await t.ctx.database.db.update(mailOutbox).set({ expiresAt: new Date(Date.now() - 1000) })
    await until('the expired mail to be dropped', async () => ((await outbox()).length === 0 ? true : undefined))

    inbox = await startInbox(port)
    await sleep(500)
    expect(inbox.to(u.user.email)).toEqual([])
  })
})
