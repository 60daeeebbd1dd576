// Explore and the bell in a real browser (issue 14, items 4 and 8): three people like a photo and
// its author reads one grouped notification, "cai, ben and ana liked your photo", with the photo's
// thumbnail; the Explore grid shows the liked photo first, ahead of newer posts nobody engaged
// with. People other than the one at the browser act through the API. Runs against the real
// server on a fresh database (support/server.ts).
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser } from './support/browser.js'
import { apiCall as api, photoPost as postPhoto, registerPerson, signIn as signInAs, type Person } from './support/people.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
let ctx: BrowserContext
let page: Page
const suffix = Date.now().toString(36).slice(-5)
const name = (who: string) => `${who}_${suffix}`
const apiCall = (path: string, init?: Parameters<typeof api>[2]) => api(server.url, path, init)
const person = (who: string) => registerPerson(server.url, name(who))
const photoPost = (author: Person, content: string) => postPhoto(server.url, author, content)
const signIn = (p: Page, who: Person) => signInAs(p, server.url, who)

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
  page = await ctx.newPage()
  page.setDefaultTimeout(15_000)
}, 240_000)

afterAll(async () => {
  await ctx?.close()
  await browser?.close()
  await server?.stop()
})

describe('explore and grouped notifications', () => {
  it('groups three likes of a photo into one notification, and explore shows the liked photo first', async () => {
    const [owner, ana, ben, cai] = [await person('owner'), await person('ana'), await person('ben'), await person('cai')]
    const liked = await photoPost(owner, 'The photo everyone likes')
    for (const p of [ana, ben, cai]) await apiCall(`/posts/${liked}/like`, { method: 'PUT', token: p.token })
    // newer posts that nobody engaged with
    await photoPost(ana, 'A newer photo')
    await apiCall('/posts', { method: 'POST', token: ben.token, json: { content: 'The newest words' } })

    await signIn(page, owner)

    // the bell counts one group, not three likes
    await expect.poll(() => page.getByLabel('1 unread notifications').first().isVisible(), { timeout: 20_000 }).toBe(true)
    await page.goto(`${server.url}/notifications`)
    const group = page.getByTestId('notification-group')
    await expect.poll(() => group.count()).toBe(1)
    await expect
      .poll(() => group.first().textContent())
      .toMatch(new RegExp(`${cai.username}, ${ben.username} and ${ana.username} liked your photo`))
    expect(await group.first().getAttribute('href')).toBe(`/p/${liked}`)
    expect(await group.first().locator('.notif__thumb img').getAttribute('src')).toMatch(/\S/)

    await page.goto(`${server.url}/explore`)
    const tiles = page.locator('.grid .grid__item')
    await expect.poll(() => tiles.count()).toBe(3)
    expect(await tiles.first().getAttribute('href')).toBe(`/p/${liked}`)
    expect(await tiles.first().getAttribute('aria-label')).toMatch(/3 likes/)
  })
})
