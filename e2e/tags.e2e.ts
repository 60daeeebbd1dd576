// Hashtags and mentions in a real browser (issue 14, items 1 and 2): a mention notifies the person
// named; a hashtag in a caption leads to its tag page; following the tag brings a stranger's post
// with it into the home feed; Explore lists the tag among trending tags. A server of its own:
// trending is cached for a minute, so no earlier test may have asked for it first. People other
// than the one at the browser act through the API (support/server.ts: a fresh database).
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser } from './support/browser.js'
import { apiCall as api, photoPost as postPhoto, registerPerson, signIn as signInAs, type Person } from './support/people.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
const suffix = Date.now().toString(36).slice(-5)
const name = (who: string) => `${who}_${suffix}`
const apiCall = (path: string, init?: Parameters<typeof api>[2]) => api(server.url, path, init)
const person = (who: string) => registerPerson(server.url, name(who))
const photoPost = (author: Person, content: string) => postPhoto(server.url, author, content)
const signIn = (p: Page, who: Person) => signInAs(p, server.url, who)

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('hashtags and mentions', () => {
  it('links a hashtag to its tag page, lists it among trending tags, and a mention notifies the person named', async () => {
    const [dee, eli, fay] = [await person('dee'), await person('eli'), await person('fay')]
    // eli's caption spells the tag in capitals and mentions dee; the tag page is the normalised one
    const tagged = await photoPost(eli, `Evening light on the water #SunsetPier_${suffix} with @${dee.username}`)
    const tag = `sunsetpier_${suffix}`
    const deeCtx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
    const deePage = await deeCtx.newPage()
    deePage.setDefaultTimeout(15_000)
    try {
      await signIn(deePage, dee)
      await deePage.goto(`${server.url}/notifications`)
      await expect
        .poll(() => deePage.getByTestId('notification-group').first().textContent())
        .toMatch(new RegExp(`${eli.username} mentioned you in a post`))

      // the hashtag in the caption is a link to the tag page, which shows the post
      await deePage.goto(`${server.url}/p/${tagged}`)
      await deePage
        .getByRole('link', { name: `#SunsetPier_${suffix}` })
        .first()
        .click()
      await deePage.waitForURL(new RegExp(`/tags/${tag}$`))
      await expect.poll(() => deePage.getByRole('heading', { level: 1 }).textContent()).toBe(`#${tag}`)
      expect(await deePage.getByTestId('tag-post-count').textContent()).toMatch(/^1 post/)
      await expect.poll(() => deePage.locator(`.grid a[href="/p/${tagged}"]`).count()).toBe(1)

      // following the tag brings a stranger's post with it into the home feed
      await deePage.getByRole('button', { name: 'Follow' }).click()
      await expect.poll(() => deePage.getByRole('button', { name: 'Following' }).isVisible()).toBe(true)
      await apiCall('/posts', { method: 'POST', token: fay.token, json: { content: `Another one #sunsetpier_${suffix}` } })
      await deePage.goto(`${server.url}/`)
      await expect.poll(() => deePage.getByText(`Another one`).first().isVisible(), { timeout: 20_000 }).toBe(true)

      // Explore lists the tag among the week's trending tags (two people used it)
      await deePage.goto(`${server.url}/explore`)
      const trending = deePage.getByRole('navigation', { name: 'Trending tags' })
      await expect.poll(() => trending.getByRole('link', { name: `#${tag}` }).isVisible(), { timeout: 20_000 }).toBe(true)
    } finally {
      await deeCtx.close()
    }
  })
})
