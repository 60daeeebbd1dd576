// Deleting an account in a real browser (issue 15, item 1): Settings › Delete account asks for the
// password and a confirmation, signs the person out and hides the profile from everyone at once;
// signing in during the grace period offers to cancel, and cancelling signs the person in and brings
// the account and its post back. Runs against the real server on a fresh database (support/server.ts).
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
let ctx: BrowserContext
let page: Page
const suffix = Date.now().toString(36).slice(-5)
const PASSWORD = 'correct horse battery'
const username = `leaving_${suffix}`
let postId = 0

const anonymous = (path: string) => fetch(`${server.url}/api/hearth/v1${path}`).then((r) => r.status)

async function signIn() {
  await page.goto(`${server.url}/signin`)
  await page.getByLabel('Email or username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
  page = await ctx.newPage()
  page.setDefaultTimeout(15_000)
  const registered = await fetch(`${server.url}/api/hearth/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${username}@example.test`, username, password: PASSWORD }),
  }).then((r) => r.json() as Promise<{ accessToken: string }>)
  const post = await fetch(`${server.url}/api/hearth/v1/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${registered.accessToken}` },
    body: JSON.stringify({ content: 'Last words before leaving, maybe' }),
  }).then((r) => r.json() as Promise<{ id: number }>)
  postId = post.id
}, 240_000)

afterAll(async () => {
  await ctx?.close()
  await browser?.close()
  await server?.stop()
})

describe('deleting an account', () => {
  it('deletes from Settings, hides the account at once, and cancelling at the next sign-in signs in and brings it back', async () => {
    await signIn()
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
    await page.goto(`${server.url}/settings/delete`)
    const remove = page.getByRole('button', { name: 'Delete my account' })
    expect(await remove.isDisabled()).toBe(true) // nothing happens without the password and the confirmation
    await page.getByLabel('Your password').fill(PASSWORD)
    await page.getByLabel('I understand that my account and everything in it will be deleted.').check()
    await remove.click()
    await page.waitForURL(/\/signin/)
    await expect.poll(() => page.getByText('Your account is scheduled for deletion. You have been signed out.').isVisible()).toBe(true)

    // gone for everyone at once
    expect(await anonymous(`/users/lookup?username=${username}`)).toBe(404)
    expect(await anonymous(`/posts/${postId}`)).toBe(404)

    // signing in again offers to cancel, and only that
    await signIn()
    const offer = page.getByRole('alert').filter({ hasText: 'Your account is scheduled for deletion on' })
    await expect.poll(() => offer.isVisible()).toBe(true)
    expect(new URL(page.url()).pathname).toBe('/signin')
    // cancelling goes on with the sign-in the password started
    await page.getByRole('button', { name: 'Cancel deletion' }).click()
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
    expect(await anonymous(`/users/lookup?username=${username}`)).toBe(200)
    expect(await anonymous(`/posts/${postId}`)).toBe(200)
  })
})
