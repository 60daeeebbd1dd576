// The admin statistics charts with 0, 1 and 30 days of data (issue 12, item 22): the time axis
// shows the asked-for days (not "Mar 2027 … Jun 2029" around a lone point), the growth cards count
// what the range added, and the count axes have whole-number ticks. uPlot draws on canvas; the
// labels it drew are read from the chart's data-x-ticks / data-y-ticks, and screenshots are saved
// in test-results/ for a person to look at.
// Always on the embedded database: the 30-day history is written into the stopped server's
// data directory, then the server is started again on it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appStatistics } from '../server/src/db/schema.js'
import { createPgliteDatabase } from '../server/src/platform/db/pglite.js'
import { DESKTOP, launchBrowser, PHONE } from './support/browser.js'
import { freePort, startServer, type RunningServer } from './support/server.js'

delete process.env.TEST_DATABASE_URL
const repo = join(import.meta.dirname, '..')
const shots = join(repo, 'test-results', 'admin-stats')
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-stats-'))
const admin = { email: 'stats-admin@e2e.test', password: 'stats admin passphrase' }
const DAY = 86_400_000
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)
const today = iso(Date.now())
const label = (day: string) =>
  new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`))

let server: RunningServer
let browser: Browser
let port = 0

const start = async () => {
  server = await startServer({ PORT: String(port), DATA_DIR: dataDir, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password })
}

beforeAll(async () => {
  port = await freePort()
  await start()
  browser = await launchBrowser()
  mkdirSync(shots, { recursive: true })
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

async function adminPage(viewport: { width: number; height: number }): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' })
  const page = await ctx.newPage()
  page.setDefaultTimeout(15_000)
  await page.goto(`${server.url}/signin`)
  await page.getByLabel('Email or username').fill(admin.email)
  await page.getByLabel('Password', { exact: true }).fill(admin.password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
  return page
}

async function showRange(page: Page, from: string, to: string) {
  await page.goto(`${server.url}/admin/stats`)
  await page.getByLabel('From', { exact: true }).fill(from)
  await page.getByLabel('To', { exact: true }).fill(to)
  await page.getByRole('button', { name: 'Show' }).click()
}

/** The labels uPlot drew on each chart's axes. */
async function axes(page: Page) {
  const charts = page.locator('figure.chart [role=img]')
  await expect.poll(() => charts.count()).toBe(3)
  const all = []
  for (const chart of await charts.all()) {
    await expect.poll(() => chart.getAttribute('data-x-ticks')).toBeTruthy()
    all.push({ x: (await chart.getAttribute('data-x-ticks'))!.split('|'), y: (await chart.getAttribute('data-y-ticks'))!.split('|') })
  }
  return all
}

/** The days the time-axis labels name: "Nov 4 2026", "Nov 11", … (the year only where it starts or changes). */
function tickDays(labels: string[]): string[] {
  let year = ''
  return labels.map((l) => {
    const [month, day, y] = l.split(' ')
    year = y ?? year
    return iso(Date.parse(`${month} ${day} ${year} UTC`))
  })
}

const cardLabel = (page: Page, name: string) => page.locator('.stat__label', { hasText: name }).innerText()

describe('admin statistics charts', () => {
  it('with no days of data (a range before the first account): says so instead of drawing', async () => {
    const page = await adminPage(DESKTOP)
    await showRange(page, '2020-01-01', '2020-01-30')
    await expect.poll(() => page.getByText('No statistics for these days').isVisible()).toBe(true)
    expect(await page.locator('.uplot').count()).toBe(0)
    await page.screenshot({ path: join(shots, 'zero-days-desktop.png') })
    await page.context().close()
  })

  it('on a fresh instance (one day of data): the asked-for days on the axis, the point at today, the posts counted', async () => {
    const login = await fetch(`${server.url}/api/hearth/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: admin.email, password: admin.password }),
    })
    const { accessToken } = (await login.json()) as { accessToken: string }
    for (const content of ['first post', 'second post']) {
      const res = await fetch(`${server.url}/api/hearth/v1/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ content }),
      })
      expect(res.status).toBe(201)
    }

    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const page = await adminPage(viewport)
      await page.goto(`${server.url}/admin/stats`) // the last 30 days
      await page.locator('.uplot canvas').first().waitFor()
      expect(await cardLabel(page, 'Posts')).toBe('Posts (+2)')
      const from = iso(Date.now() - 29 * DAY)
      for (const { x, y } of await axes(page)) {
        // Days of the range only, in order, starting on its first day, the year under the first.
        expect(x[0]).toBe(`${label(from)} ${from.slice(0, 4)}`)
        const days = tickDays(x)
        expect(days.every((d) => d >= from && d <= today)).toBe(true)
        expect([...days].sort()).toEqual(days)
        // Whole numbers of people and posts.
        expect(y.every((v) => /^\d+$/.test(v))).toBe(true)
      }
      // The one day of data is today's, at the right edge.
      expect(await page.locator('figure.chart table.sr-only tbody tr').first().locator('th').innerText()).toBe(today)
      await page.screenshot({ path: join(shots, `one-day-${size}.png`), fullPage: true })

      // A one-day range: that day's label alone, not hours.
      await showRange(page, today, today)
      await expect.poll(async () => (await axes(page))[0]!.x).toEqual([`${label(today)} ${today.slice(0, 4)}`])
      expect(await cardLabel(page, 'Posts')).toBe('Posts (+2)')
      await page.screenshot({ path: join(shots, `one-day-range-${size}.png`), fullPage: true })
      await page.context().close()
    }
  })

  it('with 30 days of data: thirty days drawn, growth from the day before the range, whole-number ticks', async () => {
    // Stored days for the 29 days before today, as the nightly job writes them.
    await server.stop()
    const database = await createPgliteDatabase({ dataDir: join(dataDir, 'pglite') })
    const rows = Array.from({ length: 29 }, (_, i) => ({
      date: iso(Date.now() - (29 - i) * DAY),
      activeUsers: 3 + (i % 7) * 2,
      newUsers: i % 4 === 0 ? 2 : 0,
      // One post on the 16th day; the two of today (made above) follow.
      totalPosts: i < 15 ? 0 : 1,
      totalLikes: 0,
      totalComments: 0,
      totalMessages: 0,
    }))
    await database.db.insert(appStatistics).values(rows)
    await database.close()
    await start()

    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const page = await adminPage(viewport)
      // From the 2nd stored day: the growth counts from the end of the 1st.
      const from = rows[1]!.date
      await showRange(page, from, today)
      await page.locator('.uplot canvas').first().waitFor()
      await expect.poll(() => page.locator('figure.chart').first().locator('table.sr-only tbody tr').count()).toBe(29)
      expect(await cardLabel(page, 'Posts')).toBe('Posts (+2)')
      const [people, content] = await axes(page)
      expect(people!.x[0]).toBe(`${label(from)} ${from.slice(0, 4)}`)
      expect(tickDays(people!.x).every((d) => d >= from && d <= today)).toBe(true)
      expect(people!.x.length).toBeGreaterThanOrEqual(3)
      expect(people!.x.length).toBeLessThanOrEqual(size === 'phone' ? 6 : 16)
      // The busiest day had 15 active people: the axis reaches it in whole numbers.
      expect(people!.y.every((v) => /^\d+$/.test(v))).toBe(true)
      expect(Number(people!.y.at(-1))).toBeGreaterThanOrEqual(14)
      expect(content!.y.every((v) => /^\d+$/.test(v))).toBe(true)
      await page.screenshot({ path: join(shots, `thirty-days-${size}.png`), fullPage: true })
      await page.context().close()
    }
  })
})
