// Safety and privacy in a real browser: blocking from a post (the conversation between the two
// becomes read-only) and from a profile (with "Block and report"), muting from the home feed on a phone, a private account whose follow request is
// accepted on the requests screen, and "who can message you" refusing a stranger with the
// server's reason. People are created through the API; every step that matters is clicked.
// Runs against the real server (`server/src/main.ts`) on a fresh database — see support/server.ts.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, PHONE } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
const contexts: BrowserContext[] = []
const suffix = Date.now().toString(36).slice(-5)

interface Person {
  username: string
  password: string
  id: number
  token: string
}

async function request(method: string, path: string, body?: unknown, token?: string): Promise<any> {
  const res = await fetch(`${server.url}/api/hearth/v1${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return res.status === 204 ? null : await res.json()
}

async function person(name: string): Promise<Person> {
  const username = `${name}_${suffix}`
  const password = `${name} has a long passphrase`
  const r = await request('POST', '/auth/register', { email: `${username}@example.test`, username, password, displayName: name })
  return { username, password, id: r.user.id, token: r.accessToken }
}

async function browse(who: Person, viewport: { width: number; height: number }, mobile = false): Promise<Page> {
  const ctx = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: 'en-US' })
  contexts.push(ctx)
  const page = await ctx.newPage()
  page.setDefaultTimeout(15_000)
  await page.goto(`${server.url}/signin`)
  await page.getByLabel('Email or username').fill(who.username)
  await page.getByLabel('Password', { exact: true }).fill(who.password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
  return page
}

const tile = (page: Page, author: Person) => page.locator(`a.grid__item[aria-label^="Post by ${author.username}:"]`)

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
}, 240_000)

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  await server?.stop()
})

describe('safety and privacy', () => {
  it('a block from a post takes it off the screen; the blocked person then finds no such account', async () => {
    const [ann, ben, eve] = await Promise.all([person('ann'), person('ben'), person('eve')])
    await request('PUT', `/users/${ben.id}/follow`, undefined, ann.token)
    await request('POST', '/posts', { content: 'Ben’s bread, fresh from the oven' }, ben.token)
    await request('POST', '/posts', { content: 'Ann’s garden in June' }, ann.token)
    const convo = await request('POST', '/conversations', { userId: ben.id }, ann.token)
    await request('POST', `/conversations/${convo.id}/messages`, { content: 'See you at the market?' }, ann.token)
    const annPage = await browse(ann, DESKTOP)

    await annPage.goto(`${server.url}/explore`)
    await expect.poll(() => tile(annPage, ben).count()).toBe(1)

    await annPage.goto(`${server.url}/`)
    const card = annPage.locator('article.post').filter({ hasText: 'Ben’s bread, fresh from the oven' })
    await card.getByRole('button', { name: 'More options for this post' }).click()
    await annPage
      .getByRole('dialog', { name: 'Post options' })
      .getByRole('button', { name: `Block ${ben.username}` })
      .click()
    const confirm = annPage.getByRole('dialog', { name: `Block @${ben.username}?` })
    // The confirmation says what will happen before it does.
    await expect.poll(() => confirm.textContent()).toMatch(/won’t be able to see your profile or posts, or message you.*won’t be told/)
    await confirm.getByRole('button', { name: 'Block', exact: true }).click()
    await expect.poll(() => card.count()).toBe(0)
    await expect
      .poll(() =>
        annPage
          .getByRole('status')
          .filter({ hasText: `Blocked ${ben.username}` })
          .isVisible(),
      )
      .toBe(true)

    // From the server, not only the screen: explore no longer has Ben's post.
    await annPage.goto(`${server.url}/explore`)
    await expect.poll(() => tile(annPage, ann).count()).toBe(1)
    expect(await tile(annPage, ben).count()).toBe(0)
    // Ann sees that she blocked Ben, with the way back.
    await annPage.goto(`${server.url}/@${ben.username}`)
    await expect.poll(() => annPage.getByRole('heading', { name: `You blocked @${ben.username}` }).isVisible()).toBe(true)
    expect(await annPage.getByRole('button', { name: 'Unblock' }).count()).toBeGreaterThan(0)

    // Ben learns nothing beyond "not found".
    const benPage = await browse(ben, DESKTOP)
    await benPage.goto(`${server.url}/@${ann.username}`)
    await expect.poll(() => benPage.getByRole('heading', { name: 'This account doesn’t exist' }).isVisible()).toBe(true)
    // Their conversation keeps its history and takes no new message, on both sides.
    for (const page of [annPage, benPage]) {
      await page.goto(`${server.url}/messages`)
      await page.locator('.convo-item').first().click()
      await expect.poll(() => page.locator('.bubble').filter({ hasText: 'See you at the market?' }).isVisible()).toBe(true)
      await expect.poll(() => page.getByText('You can’t send messages in this conversation any more.').isVisible()).toBe(true)
      expect(await page.getByLabel('Message', { exact: true }).count()).toBe(0)
    }

    // Block and report, from a profile's menu, in one step.
    await annPage.goto(`${server.url}/@${eve.username}`)
    await annPage.getByRole('button', { name: `More options for ${eve.username}` }).click()
    await annPage.getByRole('dialog', { name: eve.username }).getByRole('button', { name: 'Block and report' }).click()
    const form = annPage.getByRole('dialog', { name: `Block and report ${eve.username}` })
    await form.getByLabel('Harassment or bullying').check()
    await form.getByRole('button', { name: 'Block and report' }).click()
    await expect.poll(() => annPage.getByRole('heading', { name: `You blocked @${eve.username}` }).isVisible()).toBe(true)
    const admin = await request('POST', '/auth/login', { login: server.admin.email, password: server.admin.password })
    const reports = await request('GET', '/admin/reports', undefined, admin.accessToken)
    expect(reports.items.some((r: any) => r.reason === 'harassment' && JSON.stringify(r.target).includes(eve.username))).toBe(true)

    // Settings › Privacy lists both; unblocking Eve there offers the undo.
    await annPage.goto(`${server.url}/settings/privacy`)
    const blocked = annPage.getByRole('list', { name: 'Blocked accounts' })
    await expect.poll(() => blocked.getByRole('listitem').count()).toBe(2)
    await blocked.getByRole('button', { name: `Unblock ${eve.username}` }).click()
    await expect.poll(() => blocked.getByRole('button', { name: `Block again ${eve.username}` }).isVisible()).toBe(true)
    const rel = await request('GET', `/users/${eve.id}/relationship`, undefined, ann.token)
    expect(rel.blocking).toBe(false)
  })

  it('on a phone, a muted person’s post leaves the home feed (and stays on their profile)', async () => {
    const [cat, dan] = await Promise.all([person('cat'), person('dan')])
    await request('PUT', `/users/${dan.id}/follow`, undefined, cat.token)
    await request('POST', '/posts', { content: 'Dan’s morning run, again' }, dan.token)
    const page = await browse(cat, PHONE, true)

    await page.goto(`${server.url}/`)
    const card = page.locator('article.post').filter({ hasText: 'Dan’s morning run, again' })
    await card.getByRole('button', { name: 'More options for this post' }).click()
    await page
      .getByRole('dialog', { name: 'Post options' })
      .getByRole('button', { name: `Mute ${dan.username}` })
      .click()
    const confirm = page.getByRole('dialog', { name: `Mute @${dan.username}?` })
    await expect.poll(() => confirm.textContent()).toMatch(/posts leave your home feed and explore/)
    await confirm.getByRole('button', { name: 'Mute', exact: true }).click()
    await expect.poll(() => card.count()).toBe(0)

    await page.reload()
    await expect.poll(() => page.getByRole('heading', { name: 'Your feed is waiting' }).isVisible()).toBe(true)
    expect(await card.count()).toBe(0)
    // Still Cat's follow, still on Dan's profile, marked as muted.
    await page.goto(`${server.url}/@${dan.username}`)
    await expect.poll(() => tile(page, dan).count()).toBe(1)
    expect(await page.getByText('Muted', { exact: true }).isVisible()).toBe(true)

    // Unmuted from Settings › Privacy: the post is back in the feed.
    await page.goto(`${server.url}/settings/privacy`)
    await page
      .getByRole('list', { name: 'Muted accounts' })
      .getByRole('button', { name: `Unmute ${dan.username}` })
      .click()
    await expect.poll(() => page.getByRole('button', { name: `Mute again ${dan.username}` }).isVisible()).toBe(true)
    await page.goto(`${server.url}/`)
    await expect.poll(() => card.count()).toBe(1)
  })

  it('a private account: the request shows on the owner’s requests screen and, once accepted, the follower sees the posts', async () => {
    const [fay, gus] = await Promise.all([person('fay'), person('gus')])
    await request('POST', '/posts', { content: 'Fay’s quiet corner' }, fay.token)
    const fayPage = await browse(fay, DESKTOP)
    await fayPage.goto(`${server.url}/settings/privacy`)
    await fayPage.getByRole('switch', { name: 'Private account' }).check()
    await expect.poll(() => fayPage.getByText('Your account is private').first().isVisible()).toBe(true)

    const gusPage = await browse(gus, PHONE, true)
    await gusPage.goto(`${server.url}/@${fay.username}`)
    await expect.poll(() => gusPage.getByRole('heading', { name: 'This account is private' }).isVisible()).toBe(true)
    expect(await tile(gusPage, fay).count()).toBe(0)
    await gusPage.getByRole('button', { name: `Follow ${fay.username}` }).click()
    const requested = gusPage.getByRole('button', { name: `Requested: withdraw your request to follow ${fay.username}` })
    await expect.poll(() => requested.isVisible()).toBe(true)
    // A click on "Requested" withdraws it; then Gus asks again.
    await requested.click()
    await expect.poll(() => gusPage.getByRole('button', { name: `Follow ${fay.username}` }).isVisible()).toBe(true)
    await gusPage.getByRole('button', { name: `Follow ${fay.username}` }).click()
    await expect.poll(() => requested.isVisible()).toBe(true)

    // Fay's sidebar offers the requests screen, live, with a badge.
    const link = fayPage.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /Follow requests/ })
    await expect.poll(() => link.textContent(), { timeout: 15_000 }).toContain('1')
    await link.click()
    await fayPage.waitForURL(/\/follow-requests$/)
    await fayPage.getByRole('button', { name: `Accept ${gus.username}` }).click()
    await expect.poll(() => fayPage.getByText(`${gus.username} now follows you`).isVisible()).toBe(true)
    await expect.poll(() => link.count()).toBe(0)

    await gusPage.reload()
    await expect.poll(() => tile(gusPage, fay).count()).toBe(1)
    expect(await gusPage.getByRole('button', { name: `Unfollow ${fay.username}` }).isVisible()).toBe(true)
  })

  it('with messages only from people they follow, a stranger’s "Message" shows the server’s reason', async () => {
    const [hal, ivy] = await Promise.all([person('hal'), person('ivy')])
    const halPage = await browse(hal, DESKTOP)
    await halPage.goto(`${server.url}/settings/privacy`)
    await halPage.getByRole('radio', { name: 'Only people I follow' }).check()
    await expect.poll(() => halPage.getByText('Only people I follow can start a conversation with you').isVisible()).toBe(true)
    expect((await request('GET', '/users/me', undefined, hal.token)).allowMessagesFrom).toBe('following')

    const ivyPage = await browse(ivy, PHONE, true)
    await ivyPage.goto(`${server.url}/@${hal.username}`)
    await ivyPage.getByRole('button', { name: 'Message' }).click()
    const refusal = ivyPage.locator('.toast--error')
    await expect.poll(() => refusal.isVisible()).toBe(true)
    expect(await refusal.textContent()).toMatch(/follow/i)
    expect(new URL(ivyPage.url()).pathname).toBe(`/@${hal.username}`)
  })
})
