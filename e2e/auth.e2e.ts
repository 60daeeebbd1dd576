// Accounts in a real browser: staying signed in across reloads (refresh cookie only, token in
// memory), signing out, being sent to sign in and back, the mailed email-confirmation,
// password-reset and email-change links, and the bits of the frame a keyboard user meets first.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, PHONE } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
let page: Page
const suffix = Date.now().toString(36).slice(-5)
const me = { username: `carol_${suffix}`, email: `carol_${suffix}@example.test`, password: 'first passphrase here' }

/** The newest mailed link to `path` for `to` (the embedded mailer writes .eml files). */
async function mailedLink(to: string, path: string): Promise<string> {
  const dir = join(server.dataDir, 'mail')
  let found: string | undefined
  await expect
    .poll(
      async () => {
        let files: string[]
        try {
          files = readdirSync(dir)
            .filter((f) => f.endsWith('.eml'))
            .sort()
            .reverse()
        } catch {
          return false
        }
        for (const f of files) {
          const mail = await simpleParser(readFileSync(join(dir, f)))
          const rcpt = Array.isArray(mail.to) ? mail.to.map((t) => t.text).join(',') : (mail.to?.text ?? '')
          const link = new RegExp(`https?://[^\\s"<>]+${path}\\?token=[\\w-]+`).exec(mail.text ?? '')
          if (rcpt.includes(to) && link) {
            found = link[0]
            return true
          }
        }
        return false
      },
      { timeout: 15_000 },
    )
    .toBe(true)
  return found!
}

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
  page = await ctx.newPage()
  page.setDefaultTimeout(15_000)
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('accounts in the browser', () => {
  it('sends a signed-out visitor to sign in, and back to where they were going after', async () => {
    await page.goto(`${server.url}/settings/password`)
    await page.waitForURL(/\/signin\?next=%2Fsettings%2Fpassword$/)
    // No provider is configured on this server: no Google/GitHub buttons.
    expect(await page.getByText(/Continue with/).count()).toBe(0)
    await page.getByRole('link', { name: 'Create an account' }).click()
    await page.waitForURL(/\/signup\?next=/)
    await page.getByLabel('Email', { exact: true }).fill(me.email)
    await page.getByLabel('Username').fill(me.username)
    // A short password is explained before sending, next to the field.
    await page.getByLabel('Password', { exact: true }).fill('short')
    await page.getByLabel('Username').focus()
    await expect.poll(() => page.getByText('Use at least 8 characters.').isVisible()).toBe(true)
    await page.getByLabel('Password', { exact: true }).fill(me.password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(/\/settings\/password$/)
    await expect.poll(() => page.getByRole('heading', { name: 'Change password' }).isVisible()).toBe(true)
  })

  it('stays signed in across a reload through the refresh cookie alone', async () => {
    // Nothing about the session is kept where page scripts could read it.
    expect(
      await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie),
    ).not.toMatch(/ey[\w-]+\.ey/)
    await page.reload()
    await expect.poll(() => page.getByRole('heading', { name: 'Change password' }).isVisible()).toBe(true)
    expect(new URL(page.url()).pathname).toBe('/settings/password')
  })

  it('refreshes silently when the server says the access token expired, and retries', async () => {
    // The server answers one request with `token_expired` (as it would after 15 minutes).
    let expired = 0
    await page.route('**/api/hearth/v1/auth/sessions', async (route) => {
      if (expired++ > 0) return route.continue()
      await route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Unauthorized',
          status: 401,
          detail: 'The access token has expired; refresh it.',
          code: 'token_expired',
        }),
      })
    })
    const refreshes: string[] = []
    page.on('request', (r) => r.url().endsWith('/api/hearth/v1/auth/refresh') && refreshes.push(r.url()))
    await page.goto(`${server.url}/settings/sessions`)
    await expect.poll(() => page.getByText('This device').isVisible()).toBe(true)
    expect(expired).toBe(2)
    expect(refreshes.length).toBeGreaterThanOrEqual(2) // the page load's, then the silent one
    await page.unroute('**/api/hearth/v1/auth/sessions')
  })

  it('confirms the email address from the mailed link', async () => {
    await page.goto(`${server.url}/settings/profile`)
    await expect.poll(() => page.getByText('Not confirmed').isVisible()).toBe(true)
    await page.getByRole('button', { name: 'Send confirmation link' }).click()
    await expect.poll(() => page.getByText(/We sent a confirmation link/).isVisible()).toBe(true)
    const link = await mailedLink(me.email, '/verify-email')
    await page.goto(link)
    await expect.poll(() => page.getByText(/your email address is confirmed/).isVisible()).toBe(true)
  })

  it('signs out cleanly: a reload stays signed out', async () => {
    await page.goto(`${server.url}/settings`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/signin/)
    await page.reload()
    await page.goto(`${server.url}/`)
    await page.waitForURL(/\/signin$/)
  })

  it('refuses a wrong password in words', async () => {
    await page.getByLabel('Email or username').fill(me.username)
    await page.getByLabel('Password', { exact: true }).fill('not the password')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/password|credentials|incorrect|wrong/i)
    expect(new URL(page.url()).pathname).toBe('/signin')
  })

  it('resets a forgotten password from the mailed link', async () => {
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await page.getByLabel('Email').fill(me.email)
    await page.getByRole('button', { name: 'Send reset link' }).click()
    await expect.poll(() => page.getByText(/Check your inbox/).isVisible()).toBe(true)
    const link = await mailedLink(me.email, '/reset-password')
    await page.goto(link)
    await page.getByLabel('New password', { exact: true }).fill('second passphrase here')
    await page.getByLabel('Repeat the new password').fill('second passphrase here')
    await page.getByRole('button', { name: 'Change password' }).click()
    await expect.poll(() => page.getByText('Your password has been changed.').isVisible()).toBe(true)
    // The link works once.
    await page.goto(link)
    await page.getByLabel('New password', { exact: true }).fill('third passphrase here')
    await page.getByLabel('Repeat the new password').fill('third passphrase here')
    await page.getByRole('button', { name: 'Change password' }).click()
    await expect.poll(() => page.getByRole('alert').first().isVisible()).toBe(true)

    await page.goto(`${server.url}/signin`)
    await page.getByLabel('Email or username').fill(me.email)
    await page.getByLabel('Password', { exact: true }).fill('second passphrase here')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.waitForURL(`${server.url}/`)
  })

  it('changes the email address through the link mailed to the new one', async () => {
    const next = `carol_next_${suffix}@example.test`
    await page.goto(`${server.url}/settings/profile`)
    await page.getByLabel('New email address').fill(next)
    await page.getByLabel('Current password').fill('not the password')
    await page.getByRole('button', { name: 'Change email' }).click()
    await expect.poll(() => page.getByText('Password is incorrect').isVisible()).toBe(true)
    await page.getByLabel('Current password').fill('second passphrase here')
    await page.getByRole('button', { name: 'Change email' }).click()
    await expect.poll(() => page.getByText(`Check your inbox at ${next}`).isVisible()).toBe(true)

    await page.goto(await mailedLink(next, '/confirm-email'))
    await expect.poll(() => page.getByText(/Your email address is changed and confirmed/).isVisible()).toBe(true)
    await page.goto(`${server.url}/settings/profile`)
    await expect.poll(() => page.locator('.settings__section p').first().textContent()).toBe(`${next} Confirmed`)
  })

  it('keyboard users can skip to the content, and unknown pages say so', async () => {
    const phone = await browser.newPage({ viewport: PHONE })
    await phone.goto(`${server.url}/explore`)
    // Tab only once the app has rendered its skip link (before that, focus lands on the page).
    await phone.getByRole('link', { name: 'Skip to content' }).waitFor({ state: 'attached' })
    await phone.getByRole('heading').first().waitFor()
    await phone.keyboard.press('Tab')
    expect(await phone.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
    await phone.keyboard.press('Enter')
    expect(await phone.evaluate(() => document.activeElement?.id)).toBe('main')
    await phone.goto(`${server.url}/no/such/page`)
    await expect.poll(() => phone.getByRole('heading', { name: 'This page isn’t here' }).isVisible()).toBe(true)
    await phone.close()
  })
})
