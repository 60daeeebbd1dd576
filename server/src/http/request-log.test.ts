// The request log, read as an operator reads it: the pino output of a real app, captured line by
// line. One line per request; health checks and static files at debug; refusals at warn with
// their reason; and no secret (signed URLs, OAuth codes, mailed tokens, passwords, SQL
// parameters) in any line.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StreamClient } from '../../test/stream-client.js'
import { createHarness, listen, register, type Harness, type TestApp } from '../../test/helpers.js'
import { createRootLogger } from '../logger.js'

interface Line {
  level: number
  msg: string
  reqId?: string
  method?: string
  url?: string
  status?: number
  ms?: number
  userId?: number
  reason?: string
  [k: string]: unknown
}

const captured: string[] = []
const logger = createRootLogger('debug', { write: (line: string) => void captured.push(line) })
const lines = (): Line[] => captured.map((l) => JSON.parse(l) as Line)
/**
 * Request lines (those with a request id) written while `fn` ran, and everything written meanwhile
 * as raw text (the app may still be finishing a response: wait a tick).
 */
async function during(fn: () => Promise<unknown>): Promise<{ lines: Line[]; raw: string }> {
  const from = captured.length
  await fn()
  await new Promise((r) => setTimeout(r, 20))
  return {
    lines: lines()
      .slice(from)
      .filter((l) => l.reqId !== undefined),
    raw: captured.slice(from).join(''),
  }
}

let h: Harness
let t: TestApp
let limited: TestApp

beforeAll(async () => {
  h = await createHarness()
  t = await h.start({ LOG_LEVEL: 'debug' }, { logger })
  // an instance whose anonymous limit is reached at the third request
  limited = await h.start({ LOG_LEVEL: 'debug', RATE_LIMIT_ANONYMOUS_MAX: '2' }, { logger })
})
afterAll(async () => h?.close())

describe('one line per request', () => {
  it('writes one completion line with method, redacted url, status, ms, request id and user id', async () => {
    const alice = await register(t.app)
    const { lines: got } = await during(() => t.app.inject({ url: '/api/hearth/v1/users/me?limit=5', headers: alice.headers }))
    expect(got).toHaveLength(1)
    const [line] = got
    expect(line).toMatchObject({ level: 30, method: 'GET', url: '/api/hearth/v1/users/me?limit=5', status: 200, userId: alice.user.id })
    expect(typeof line!.ms).toBe('number')
    expect(line!.reqId).toMatch(/\S/)
  })

  it('logs health checks and static files at debug, an unknown API route at info', async () => {
    const { lines: got } = await during(async () => {
      await t.app.inject({ url: '/healthz' })
      await t.app.inject({ url: '/readyz' })
      await t.app.inject({ url: '/favicon.ico' })
      await t.app.inject({ url: '/api/hearth/v1/nothing-here' })
    })
    expect(got.map((l) => [l.url, l.level])).toEqual([
      ['/healthz', 20],
      ['/readyz', 20],
      ['/favicon.ico', 20],
      ['/api/hearth/v1/nothing-here', 30],
    ])
  })

  it('logs refusals at warn with the reason: rate limit and a stream opened from another origin', async () => {
    const { lines: got } = await during(async () => {
      for (let i = 0; i < 3; i++) await limited.app.inject({ url: '/api/hearth/v1/users/lookup?username=nobody' })
    })
    expect(got).toHaveLength(3)
    expect(got[0]).toMatchObject({ level: 30, status: 404 })
    expect(got[2]).toMatchObject({ level: 40, status: 429, reason: 'rate_limited' })

    const alice = await register(t.app)
    const base = await listen(t)
    const { lines: refused } = await during(() =>
      StreamClient.connect(base, alice.accessToken, { origin: 'https://evil.example' }).then(
        () => expect.unreachable('the upgrade was accepted'),
        () => {},
      ),
    )
    expect(refused).toHaveLength(1)
    expect(refused[0]).toMatchObject({ level: 40, status: 403, reason: 'origin_forbidden' })
  })

  it('logs an account lockout (too many wrong passwords) at warn with its reason', async () => {
    const bob = await register(t.app)
    const { lines: got } = await during(async () => {
      for (let i = 0; i < 12; i++) {
        await t.app.inject({
          method: 'POST',
          url: '/api/hearth/v1/auth/login',
          payload: { login: bob.user.username, password: `wrong ${i}` },
        })
      }
    })
    expect(got).toHaveLength(12)
    expect(got[0]).toMatchObject({ level: 30, status: 401 })
    const locked = got.filter((l) => l.status === 429)
    expect(locked.length).toBeGreaterThan(0)
    for (const l of locked) expect(l).toMatchObject({ level: 40, reason: expect.any(String) as string, url: '/api/hearth/v1/auth/login' })
  })
})

describe('no secrets in log lines', () => {
  it('redacts query-string values of signed URLs, OAuth callbacks, mailed links and stream tokens', async () => {
    const secrets = [
      'SIGSECRET123',
      'CODESECRET456',
      'STATESECRET789',
      'INTENTSECRET',
      'MAILTOKENSECRET',
      'STREAMTOKENSECRET',
      'SEARCHSECRET',
    ]
    const { raw } = await during(async () => {
      await t.app.inject({ url: '/api/hearth/v1/messages/1/attachment?u=1&exp=99999999999&sig=SIGSECRET123' })
      await t.app.inject({ url: '/api/hearth/v1/auth/oauth/github/callback?code=CODESECRET456&state=STATESECRET789' })
      await t.app.inject({ url: '/api/hearth/v1/auth/oauth/github?intent=INTENTSECRET' })
      await t.app.inject({ url: '/reset-password?token=MAILTOKENSECRET' })
      await t.app.inject({ url: '/api/hearth/v1/stream?access_token=STREAMTOKENSECRET' })
      await t.app.inject({ url: '/api/hearth/v1/users?q=SEARCHSECRET' })
    })
    for (const s of secrets) expect(raw).not.toContain(s)
    expect(raw).toContain('sig=[redacted]')
    expect(raw).toContain('exp=[redacted]')
  })

  it('never logs request bodies: a password or a reset token sent in a body stays out', async () => {
    const alice = await register(t.app, { password: 'BODYSECRET passphrase 1' })
    const { raw, lines: got } = await during(async () => {
      await t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/auth/login',
        payload: { login: alice.user.username, password: 'BODYSECRET wrong 2' },
      })
      await t.app.inject({
        method: 'POST',
        url: '/api/hearth/v1/auth/password/reset',
        payload: { token: 'RESETBODYSECRET', newPassword: 'x' },
      })
    })
    expect(got.length).toBeGreaterThanOrEqual(2)
    expect(raw).not.toContain('BODYSECRET')
  })

  it('logs a failed SQL statement without its parameters (user content)', async () => {
    const err = await t.ctx.database.db.execute(sql`SELECT ${'PARAMSECRET-text'}::int AS n`).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect(String((err as Error).message)).toContain('PARAMSECRET') // the error itself carries it...
    const { raw } = await during(async () => t.ctx.logger.error({ err }, 'query failed'))
    const line = JSON.parse(raw) as { err: { message: string; stack: string; type: string } }
    expect(raw).not.toContain('PARAMSECRET') // ...its log line does not
    expect(line.err.message).toContain('SELECT $1::int') // the SQL stays, for whoever debugs it
    expect(line.err.stack).toMatch(/\n\s+at /)
  })

  it('logs a 500 once, with the error and without the parameters of the query that failed', async () => {
    const alice = await register(t.app)
    // A route that fails inside a query: a NUL byte is refused by PostgreSQL at the driver.
    const { lines: got, raw } = await during(() =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/hearth/v1/users/me',
        headers: alice.headers,
        payload: { displayName: 'NULSECRET\u0000x' },
      }),
    )
    const status = got[0]?.status
    if (status === 500) {
      expect(got).toHaveLength(1)
      expect(got[0]).toMatchObject({ level: 50, reason: 'internal_error' })
      expect(got[0]!.err).toBeDefined()
    } else {
      // refused before any query (issue 12 item 17): still one line, still no content
      expect(got).toHaveLength(1)
      expect(status).toBe(400)
    }
    expect(raw).not.toContain('NULSECRET')
  })
})
