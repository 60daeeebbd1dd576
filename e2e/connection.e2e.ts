// Staying signed in and live when the server cannot answer (issue 12, items 5 and 6): a refresh
// answered 429 or not at all keeps the person signed in with a notice and retries; the page
// opened at http://127.0.0.1:PORT — the address the server prints — gets live updates while
// PUBLIC_URL is unset (so it defaults to http://localhost:PORT); while the server is away the
// app says live updates are off and retries the stream with backoff, without refreshing the
// session for every refused socket, and picks up again when the server is back.
// Always on the embedded database: the server is stopped and started again on the same data.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser } from './support/browser.js'
import { freePort, startServer, type RunningServer } from './support/server.js'

delete process.env.TEST_DATABASE_URL
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-connection-'))
const suffix = Date.now().toString(36).slice(-5)
const alice = { username: `alice_${suffix}`, email: `alice_${suffix}@example.test`, password: 'alice passphrase here' }
const bob = { username: `bob_${suffix}`, email: `bob_${suffix}@example.test`, password: 'bob passphrase here' }
const REFRESH = '**/api/hearth/v1/auth/refresh'

let server: RunningServer
let browser: Browser
let page: Page
let port = 0
let bobToken = ''
let aliceId = 0
// The same secret across restarts, so tokens issued before a restart stay valid after it.
const env = () => ({ PORT: String(port), DATA_DIR: dataDir, JWT_SECRET: secret, PUBLIC_URL: '' })
const secret = randomBytes(32).toString('hex')

async function register(who: typeof alice): Promise<{ accessToken: string; user: { id: number } }> {
  const res = await fetch(`${server.url}/api/hearth/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, username: who.username, password: who.password }),
  })
  expect(res.status).toBe(201)
  return (await res.json()) as { accessToken: string; user: { id: number } }
}

const follow = async (id: number) => {
  const res = await fetch(`${server.url}/api/hearth/v1/users/${id}/follow`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${bobToken}` },
  })
  expect(res.ok).toBe(true)
}
const unfollow = async (id: number) => {
  await fetch(`${server.url}/api/hearth/v1/users/${id}/follow`, { method: 'DELETE', headers: { authorization: `Bearer ${bobToken}` } })
}
const liveState =
  (p = page) =>
  () =>
    p.locator('.conn-status').getAttribute('data-live')

beforeAll(async () => {
  port = await freePort()
  server = await startServer(env())
  // The address the page is opened at is the loopback one, not PUBLIC_URL's default (localhost).
  expect(server.url).toBe(`http://127.0.0.1:${port}`)
  aliceId = (await register(alice)).user.id
  bobToken = (await register(bob)).accessToken
  browser = await launchBrowser()
  page = await signedIn(server.url)
}, 240_000)

async function signedIn(origin: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
  const p = await ctx.newPage()
  p.setDefaultTimeout(15_000)
  await p.goto(`${origin}/signin`)
  await p.getByLabel('Email or username').fill(alice.username)
  await p.getByLabel('Password', { exact: true }).fill(alice.password)
  await p.getByRole('button', { name: 'Sign in', exact: true }).click()
  await p.waitForURL((u) => !u.pathname.startsWith('/signin'))
  return p
}

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('signed in through refusals and outages', () => {
  it('live updates reach a page opened at 127.0.0.1 while PUBLIC_URL is unset', async () => {
    await page.goto(`${server.url}/explore`)
    await expect.poll(liveState(), { timeout: 20_000 }).toBe('on')
    await follow(aliceId)
    // The bell counts up without a reload: the notification came over the stream.
    await expect.poll(() => page.getByLabel('1 unread notifications').first().isVisible()).toBe(true)
    await expect.poll(() => page.getByText('Live updates are off').count()).toBe(0)
    await unfollow(aliceId)
  })

  it('a refresh answered 429 keeps the person signed in, says so, and retries after Retry-After', async () => {
    let refused = 0
    await page.route(REFRESH, async (route) => {
      if (refused >= 2) return route.continue()
      refused++
      await route.fulfill({
        status: 429,
        headers: { 'retry-after': '2' },
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429, code: 'rate_limited' }),
      })
    })
    const visited: string[] = []
    page.on('framenavigated', (f) => f === page.mainFrame() && visited.push(new URL(f.url()).pathname))
    await page.goto(`${server.url}/notifications`)
    await expect.poll(() => page.getByText(/Too many requests, retrying in \d+ s/).isVisible()).toBe(true)
    // Recovers by itself once the server answers: the page the person asked for, signed in.
    await expect.poll(() => page.getByRole('heading', { name: 'Notifications' }).first().isVisible(), { timeout: 20_000 }).toBe(true)
    await expect.poll(() => page.getByText(/Too many requests/).count()).toBe(0)
    expect(refused).toBe(2)
    expect(visited.every((p) => p === '/notifications')).toBe(true)
    await page.unroute(REFRESH)
  })

  it('a refresh that gets no answer at all keeps the person signed in and reconnects', async () => {
    let dropped = 0
    await page.route(REFRESH, async (route) => {
      if (dropped >= 1) return route.continue()
      dropped++
      await route.abort('connectionreset')
    })
    await page.reload()
    await expect.poll(() => page.getByText('Reconnecting…').isVisible()).toBe(true)
    await expect.poll(() => page.getByRole('heading', { name: 'Notifications' }).first().isVisible(), { timeout: 20_000 }).toBe(true)
    await expect.poll(() => page.getByText('Reconnecting…').count()).toBe(0)
    expect(new URL(page.url()).pathname).toBe('/notifications')
    await page.unroute(REFRESH)
  })

  it('while the server is away: live updates shown as off, retried with backoff without refreshing; back when it returns', async () => {
    // At PUBLIC_URL's address (localhost), whose stream is accepted whether or not loopback
    // aliases are: this test is about the outage, not the origin.
    const here = await signedIn(`http://localhost:${port}`)
    await here.goto(`http://localhost:${port}/notifications`)
    await expect.poll(liveState(here), { timeout: 20_000 }).toBe('on')
    const refreshes: string[] = []
    const sockets: string[] = []
    here.on('request', (r) => r.url().endsWith('/api/hearth/v1/auth/refresh') && refreshes.push(r.url()))
    here.on('websocket', (ws) => sockets.push(ws.url()))

    await server.stop()
    await expect.poll(() => here.getByText('Live updates are off — reconnecting').isVisible(), { timeout: 20_000 }).toBe(true)
    // A few refused reconnects (1 s, 2 s, 4 s … with jitter), and not one refresh for them.
    await expect.poll(() => sockets.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    expect(refreshes).toEqual([])
    expect(new URL(here.url()).pathname).toBe('/notifications')

    server = await startServer(env())
    await expect.poll(liveState(here), { timeout: 60_000 }).toBe('on')
    await expect.poll(() => here.getByText('Live updates are off').count()).toBe(0)
    await follow(aliceId)
    await expect.poll(() => here.getByLabel('1 unread notifications').first().isVisible()).toBe(true)
    expect(refreshes).toEqual([])
    await here.context().close()
  })
})
