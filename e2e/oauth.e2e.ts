// Signing in with GitHub in a real browser, against the local GitHub stand-in the OAuth suites
// use (server/src/features/oauth/testing): only configured providers get a button, the full
// redirect dance lands on the app signed in, and accounts link and unlink from Settings.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGithub, type TestGithub } from '../server/src/features/oauth/test-github-fake.js'
import { DESKTOP, launchBrowser } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
let github: TestGithub
const suffix = Date.now().toString(36).slice(-5)

beforeAll(async () => {
  github = await startTestGithub()
  for (const [id, login] of [
    [101, `octo_${suffix}`],
    [102, `linker_${suffix}`],
  ] as const) {
    github.accounts.set(login, {
      id,
      login,
      name: `Octo ${id}`,
      avatar_url: 'https://avatars.example.test/u/1',
      emails: [{ email: `${login}@users.example.test`, primary: true, verified: true }],
    })
  }
  server = await startServer({
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_AUTH_URL: github.url,
    GITHUB_API_URL: github.url,
  })
  browser = await launchBrowser()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await github?.close()
})

describe('GitHub sign-in in the browser', () => {
  it('shows only the configured provider, and signs a new person up through it', async () => {
    const page = await browser.newPage({ viewport: DESKTOP })
    await page.goto(`${server.url}/signin`)
    await expect.poll(() => page.getByRole('link', { name: 'Continue with GitHub' }).isVisible()).toBe(true)
    expect(await page.getByText('Continue with Google').count()).toBe(0)

    github.nextLogin = `octo_${suffix}`
    await page.getByRole('link', { name: 'Continue with GitHub' }).click()
    // Provider → callback → the app, which refreshes through the cookie the callback set.
    await page.waitForURL(`${server.url}/`)
    await expect.poll(() => page.getByRole('heading', { name: 'Your feed is waiting' }).isVisible()).toBe(true)

    await page.goto(`${server.url}/settings/accounts`)
    const row = page.locator('.session').filter({ hasText: 'GitHub' })
    await expect.poll(() => row.textContent()).toMatch(/Linked/)
    // Its only way in: unlinking is refused, and the reason is shown.
    await row.getByRole('button', { name: 'Unlink' }).click()
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/sign in|password/i)
    await page.close()
  })

  it('links GitHub to an existing account from Settings, then unlinks it', async () => {
    const page = await browser.newPage({ viewport: DESKTOP })
    const username = `pw_${suffix}`
    await page.goto(`${server.url}/signup`)
    await page.getByLabel('Email', { exact: true }).fill(`${username}@example.test`)
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Password', { exact: true }).fill('a password of mine')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(/welcome/)

    await page.goto(`${server.url}/settings/accounts`)
    github.nextLogin = `linker_${suffix}`
    await page.locator('.session').filter({ hasText: 'GitHub' }).getByRole('button', { name: 'Link' }).click()
    await page.waitForURL(/\/settings\/accounts\?linked=github$/)
    await expect.poll(() => page.getByText('Your GitHub account is now linked.').isVisible()).toBe(true)
    const row = page.locator('.session').filter({ hasText: 'GitHub' })
    await expect.poll(() => row.textContent()).toMatch(/Linked/)
    await row.getByRole('button', { name: 'Unlink' }).click()
    await expect.poll(() => row.textContent()).toMatch(/Not linked/)
    await page.close()
  })
})
