// Settings › Notifications in a real browser (issue 15, item 5): a switch saves on change, and the
// choice is the server's, so it survives a reload. Runs against the real server on a fresh database.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
let ctx: BrowserContext
let page: Page
const suffix = Date.now().toString(36).slice(-5)
const A = { username: `nia_${suffix}`, email: `nia_${suffix}@example.test`, name: 'Nia Example', password: 'correct horse battery' }

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
  page = await ctx.newPage()
  page.setDefaultTimeout(15_000)
  await page.goto(`${server.url}/signup`)
  await page.getByLabel('Email', { exact: true }).fill(A.email)
  await page.getByLabel('Full name').fill(A.name)
  await page.getByLabel('Username').fill(A.username)
  await page.getByLabel('Password', { exact: true }).fill(A.password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL(/\/explore\?welcome=1$/)
}, 240_000)

afterAll(async () => {
  await ctx?.close()
  await browser?.close()
  await server?.stop()
})

describe('notification settings', () => {
  it('turns an email off with a switch, and it stays off after a reload', async () => {
    await page.goto(`${server.url}/settings/notifications`)
    const table = page.getByRole('table', { name: 'Which notifications you get, by email and by push' })
    await table.waitFor()
    const likes = page.getByRole('switch', { name: 'Email: Likes' })
    expect(await likes.isChecked()).toBe(true)
    // push cannot be sent yet: its switches say so instead of pretending
    const push = page.getByRole('switch', { name: 'Push: Messages' })
    expect(await push.isDisabled()).toBe(true)
    expect(await push.getAttribute('aria-describedby')).toBe('push-hint')

    await likes.click()
    await expect.poll(() => page.getByText('No more emails about likes').isVisible()).toBe(true)
    expect(await likes.isChecked()).toBe(false)

    await page.reload()
    await page.getByRole('switch', { name: 'Email: Likes' }).waitFor()
    expect(await page.getByRole('switch', { name: 'Email: Likes' }).isChecked()).toBe(false)
    expect(await page.getByRole('switch', { name: 'Email: Messages' }).isChecked()).toBe(true)
  })
})
