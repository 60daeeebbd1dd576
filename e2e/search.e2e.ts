// Search and mention autocomplete in a real browser (issue 14, items 2-3): a word from the middle
// of a caption, typed into Explore's search box, finds the post under the Posts tab; typing @ and
// the start of a username in the composer offers that person, and Enter inserts the mention.
// Runs against the real server on a fresh database (support/server.ts).
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
let ctx: BrowserContext
let ana: Page
const suffix = Date.now().toString(36).slice(-5)

async function register(name: string) {
  const username = `${name}_${suffix}`
  const password = `${name} has a long passphrase`
  const res = await fetch(`${server.url}/api/hearth/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${username}@example.test`,
      username,
      password,
      displayName: `${name[0]!.toUpperCase()}${name.slice(1)}`,
    }),
  })
  if (res.status !== 201) throw new Error(`register ${name}: ${res.status} ${await res.text()}`)
  return { username, password }
}

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const a = await register('ana')
  await register('benedikt')
  ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
  ana = await ctx.newPage()
  ana.setDefaultTimeout(15_000)
  await ana.goto(`${server.url}/signin`)
  await ana.getByLabel('Email or username').fill(a.username)
  await ana.getByLabel('Password', { exact: true }).fill(a.password)
  await ana.getByRole('button', { name: 'Sign in', exact: true }).click()
  await ana.waitForURL((u) => !u.pathname.startsWith('/signin'))
}, 240_000)

afterAll(async () => {
  await ctx?.close()
  await browser?.close()
  await server?.stop()
})

describe('search', () => {
  let postPath = ''

  it('completes an @mention in the composer with the keyboard', async () => {
    await ana.goto(`${server.url}/new`)
    const caption = ana.getByLabel('Caption')
    await caption.pressSequentially('Morning walk along the Rivière with a thermos of cocoa, thanks @bene')
    const list = ana.getByRole('listbox', { name: 'People to mention' })
    const option = list.getByRole('option', { name: new RegExp(`@benedikt_${suffix}`) })
    await option.waitFor()
    expect(await option.getAttribute('aria-selected')).toBe('true')
    expect(await caption.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'))
    await caption.press('Enter')
    await expect
      .poll(() => caption.inputValue())
      .toBe(`Morning walk along the Rivière with a thermos of cocoa, thanks @benedikt_${suffix} `)
    await expect.poll(() => list.count()).toBe(0)
    // Escape closes the list and leaves the text as typed
    await caption.pressSequentially('and @ben')
    await option.waitFor()
    await caption.press('Escape')
    await expect.poll(() => list.count()).toBe(0)
    expect(await caption.inputValue()).toMatch(/and @ben$/)
    await caption.fill(`Morning walk along the Rivière with a thermos of cocoa, thanks @benedikt_${suffix}`)
    await ana.getByRole('button', { name: 'Share' }).click()
    await ana.waitForURL(/\/p\/\d+$/)
    postPath = new URL(ana.url()).pathname
  })

  it('finds the post by a word from the middle of its caption, accents aside, under Posts', async () => {
    await ana.goto(`${server.url}/explore`)
    const box = ana.getByLabel('Search people')
    await box.fill('riviere')
    await box.press('Enter')
    await ana.waitForURL(/\/search\?q=riviere&type=posts$/)
    const posts = ana.getByRole('tab', { name: 'Posts' })
    expect(await posts.getAttribute('aria-selected')).toBe('true')
    const tile = ana.getByRole('tabpanel').locator(`a[href="${postPath}"]`)
    await tile.waitFor()
    // the People tab finds the mentioned person by display name
    await ana.getByRole('tab', { name: 'People' }).click()
    await ana.waitForURL(/type=users$/)
    await ana.getByLabel('Search people, tags and posts').fill('Benedikt')
    await ana.getByLabel('Search people, tags and posts').press('Enter')
    await ana
      .getByRole('tabpanel')
      .getByRole('link', { name: new RegExp(`benedikt_${suffix}`) })
      .waitFor()
  })
})
