// Two-factor sign-in in a real browser: turning TOTP on in Settings › Security (the secret read from
// the page, codes computed here as an authenticator app would), then signing in with a code and,
// once more, with a recovery code.
import { generate } from 'otplib'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
let page: Page
const suffix = Date.now().toString(36).slice(-5)
const me = { username: `tess_${suffix}`, email: `tess_${suffix}@example.test`, password: 'two factor passphrase' }
let secret = ''
let recoveryCodes: string[] = []

/** The code of the current 30-second step, or of the next one (codes are accepted once, so each sign-in needs a later step). */
const codeFor = (offset: 0 | 1) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * offset })

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
  page = await ctx.newPage()
  page.setDefaultTimeout(15_000)
  const res = await fetch(`${server.url}/api/hearth/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(me),
  })
  expect(res.status).toBe(201)
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

async function signInWithPassword() {
  await page.goto(`${server.url}/signin`)
  await page.getByLabel('Email or username').fill(me.username)
  await page.getByLabel('Password', { exact: true }).fill(me.password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

async function signOut() {
  await page.goto(`${server.url}/settings`)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/\/signin/)
}

describe('two-factor sign-in in the browser', () => {
  it('turns TOTP on from Settings › Security and shows the recovery codes once', async () => {
    await signInWithPassword()
    await page.waitForURL(`${server.url}/`)
    await page.goto(`${server.url}/settings/security`)
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click()
    await expect.poll(() => page.getByAltText('QR code for your authenticator app').isVisible()).toBe(true)
    secret = (await page.getByTestId('totp-secret').textContent())!.trim()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)

    const field = page.getByLabel('Code from the app')
    expect(await field.getAttribute('autocomplete')).toBe('one-time-code')
    await field.fill('000000' === (await codeFor(0)) ? '111111' : '000000')
    await page.getByRole('button', { name: 'Turn on' }).click()
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/not correct/)

    await field.fill(await codeFor(0))
    await page.getByRole('button', { name: 'Turn on' }).click()
    const list = page.getByRole('list', { name: 'Recovery codes' })
    await expect.poll(() => list.getByRole('listitem').count()).toBe(10)
    recoveryCodes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim())
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/)
    await page.getByRole('button', { name: 'I saved them' }).click()
    await expect.poll(() => page.getByText('10 recovery codes left.').isVisible()).toBe(true)
    // Shown once: a reload has the status, not the codes.
    await page.reload()
    await expect.poll(() => page.getByText(/Two-factor authentication is on/).isVisible()).toBe(true)
    expect(await page.getByText(recoveryCodes[0]!).count()).toBe(0)
  })

  it('asks for the code after the password, and signs in with it', async () => {
    await signOut()
    await signInWithPassword()
    const code = page.getByLabel('Authentication code')
    await expect.poll(() => code.isVisible()).toBe(true)
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code')
    expect(await code.getAttribute('inputmode')).toBe('numeric')
    // Nobody is signed in yet: the app still shows the sign-in page.
    expect(new URL(page.url()).pathname).toBe('/signin')
    await code.fill(await codeFor(1))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.waitForURL(`${server.url}/`)
  })

  it('signs in with a recovery code instead, which then is used up', async () => {
    await signOut()
    await signInWithPassword()
    await page.getByRole('button', { name: 'Use a recovery code' }).click()
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!)
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.waitForURL(`${server.url}/`)
    await page.goto(`${server.url}/settings/security`)
    await expect.poll(() => page.getByText('9 recovery codes left.').isVisible()).toBe(true)
  })
})
