// The whole product in a real browser: two people sign up in two browser contexts, post photos,
// follow, like, comment and message each other live; notifications arrive live; a report is
// resolved by an administrator who then sees the statistics charts; one device signs another out.
// Runs against the real server (`server/src/main.ts`) on a fresh database — see support/server.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { photo } from '../server/src/demo/pictures.js'
import { DESKTOP, launchBrowser, PHONE } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
let alice: Page
let bob: Page
let aliceCtx: BrowserContext
let bobCtx: BrowserContext
let files: string[]
let postPath = ''
const tmp = mkdtempSync(join(tmpdir(), 'hearth-e2e-files-'))
const suffix = Date.now().toString(36).slice(-5)
const A = { username: `alice_${suffix}`, email: `alice_${suffix}@example.test`, name: 'Alice Example', password: 'correct horse battery' }
const B = { username: `bob_${suffix}`, email: `bob_${suffix}@example.test`, name: 'Bob Example', password: 'another fine passphrase' }

async function newPage(viewport: { width: number; height: number }, mobile = false): Promise<[BrowserContext, Page]> {
  const ctx = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: 'en-US' })
  const page = await ctx.newPage()
  page.setDefaultTimeout(15_000)
  return [ctx, page]
}

async function signUp(page: Page, who: typeof A) {
  await page.goto(`${server.url}/signup`)
  await page.getByLabel('Email', { exact: true }).fill(who.email)
  await page.getByLabel('Full name').fill(who.name)
  await page.getByLabel('Username').fill(who.username)
  await page.getByLabel('Password', { exact: true }).fill(who.password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL(/\/explore\?welcome=1$/)
  await expect.poll(() => page.getByRole('heading', { name: /Welcome to Hearth/ }).isVisible()).toBe(true)
}

async function signIn(page: Page, login: string, password: string) {
  await page.goto(`${server.url}/signin`)
  await page.getByLabel('Email or username').fill(login)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
}

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  files = []
  for (const seed of [3, 5]) {
    const f = join(tmp, `photo-${seed}.jpg`)
    writeFileSync(f, await photo(seed * 7919))
    files.push(f)
  }
  ;[aliceCtx, alice] = await newPage(DESKTOP)
  ;[bobCtx, bob] = await newPage(PHONE, true)
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

describe('two people in two browsers', () => {
  it('sign up, with the server’s field errors shown next to the field', async () => {
    await signUp(alice, A)
    // Bob first tries Alice's username: the 409's errors[] lands under the Username field.
    await bob.goto(`${server.url}/signup`)
    await bob.getByLabel('Email', { exact: true }).fill(B.email)
    await bob.getByLabel('Username').fill(A.username)
    await bob.getByLabel('Password', { exact: true }).fill(B.password)
    await bob.getByRole('button', { name: 'Create account' }).click()
    const usernameError = bob
      .locator('.field--error')
      .filter({ has: bob.getByLabel('Username') })
      .getByRole('alert')
    await expect.poll(() => usernameError.textContent()).toMatch(/taken|already/i)
    await signUp(bob, B)
  })

  it('shows the server’s refusal of a file that is not really a photo, in words', async () => {
    await alice.goto(`${server.url}/new`)
    await alice.getByLabel('Caption').fill('This should not post')
    await alice
      .locator('input[type=file]')
      .setInputFiles({ name: 'holiday.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is text, not a JPEG') })
    await alice.getByRole('button', { name: 'Share' }).click()
    await expect.poll(() => alice.getByRole('alert').first().textContent()).toMatch(/holiday\.jpg/)
    expect(new URL(alice.url()).pathname).toBe('/new')
  })

  it('posts photos with previews, reordering and upload progress', async () => {
    await alice.goto(`${server.url}/new`)
    await alice.getByLabel('Caption').fill('First light at the lake')
    await alice.locator('input[type=file]').setInputFiles(files)
    const previews = alice.getByRole('list', { name: 'Photos in this post, in order' }).getByRole('listitem')
    await expect.poll(() => previews.count()).toBe(2)
    const firstName = await previews.first().getAttribute('aria-label')
    await alice.getByRole('button', { name: 'Move photo 1 later' }).click()
    expect(await previews.nth(1).getAttribute('aria-label')).toContain(firstName!.split(': ')[1]!.split('.')[0])
    await alice.getByRole('button', { name: 'Share' }).click()
    await alice.waitForURL(/\/p\/\d+$/)
    postPath = new URL(alice.url()).pathname
    // Both photos are there and really load (not just their placeholders).
    const imgs = alice.locator('.post-page__media img')
    await expect.poll(() => imgs.count()).toBe(2)
    await expect
      .poll(() => imgs.first().evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0), { timeout: 15_000 })
      .toBe(true)
  })

  it('follows from the profile page', async () => {
    await bob.goto(`${server.url}/@${A.username}`)
    await bob.getByRole('button', { name: `Follow ${A.username}` }).click()
    await expect.poll(() => bob.getByRole('button', { name: `Unfollow ${A.username}` }).getAttribute('aria-pressed')).toBe('true')
    await expect.poll(() => bob.getByRole('link', { name: /1 follower/ }).isVisible()).toBe(true)
    // The follow survives a reload (it was the server's answer, not only the screen's).
    await bob.reload()
    await expect.poll(() => bob.getByRole('button', { name: `Unfollow ${A.username}` }).isVisible()).toBe(true)
  })

  it('likes with instant feedback and comments, while Alice’s bell counts up live', async () => {
    const bell = alice.locator('.sidebar a[href="/notifications"] .badge')
    await bob.goto(`${server.url}/`)
    const card = bob.locator('article.post').filter({ hasText: 'First light at the lake' })
    await card.waitFor()
    await card.getByRole('button', { name: 'Like', exact: true }).click()
    // Instant: the heart and the count change before any reload.
    await expect.poll(() => card.getByRole('button', { name: 'Unlike' }).getAttribute('aria-pressed')).toBe('true')
    await expect.poll(() => card.getByRole('button', { name: '1 like' }).isVisible()).toBe(true)

    await bob.goto(`${server.url}${postPath}`)
    await bob.getByLabel('Write a comment').fill('What a view!')
    await bob.getByRole('button', { name: 'Post', exact: true }).click()
    await expect.poll(() => bob.getByRole('list', { name: 'Comments' }).getByText('What a view!').isVisible()).toBe(true)

    // follow + like + comment reached Alice's open page over the stream, without a reload.
    await expect.poll(() => bell.textContent(), { timeout: 15_000 }).toBe('3')
    await alice.getByRole('link', { name: 'Notifications' }).first().click()
    await expect.poll(() => alice.getByText(/commented on your (post|photo)/).isVisible()).toBe(true)
    await alice.getByRole('button', { name: 'Mark all as read' }).click()
    await expect.poll(() => bell.count()).toBe(0)
    // A new one arrives live on the open list.
    const replyTo = bob.getByRole('button', { name: 'Reply' }).first()
    await replyTo.click()
    await bob.getByLabel('Write a reply').fill('Seriously, where is this?')
    await bob.getByRole('button', { name: 'Post', exact: true }).click()
    await expect.poll(() => alice.locator('.notif.is-unread').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(1)
    await expect.poll(() => bell.textContent()).toBe('1')
  })

  it('messages arrive live in the other browser, with read receipts, and after a network drop', async () => {
    await alice.goto(`${server.url}/messages`)
    await bob.goto(`${server.url}/@${A.username}`)
    await bob.getByRole('button', { name: 'Message' }).click()
    await bob.waitForURL(/\/messages\/\d+$/)
    await bob.getByLabel('Message', { exact: true }).fill('Hi Alice! Loved the lake photo.')
    await bob.getByLabel('Message', { exact: true }).press('Enter')
    await expect.poll(() => bob.getByRole('region', { name: `Conversation with ${A.name}` }).isVisible()).toBe(true)

    // Alice's inbox (opened before) shows the new conversation with an unread badge, live.
    const convo = alice.locator('.convo-item').filter({ hasText: B.name })
    await expect.poll(() => convo.locator('.badge').textContent(), { timeout: 15_000 }).toBe('1')
    await convo.click()
    await expect.poll(() => alice.locator('.bubble').filter({ hasText: 'Hi Alice! Loved the lake photo.' }).isVisible()).toBe(true)
    // Opening it read it: Bob sees "Seen" under his message.
    await expect.poll(() => bob.locator('.chat__seen').isVisible(), { timeout: 15_000 }).toBe(true)

    await alice.getByLabel('Message', { exact: true }).fill('Thank you, Bob!')
    // Bob sees Alice typing before her message arrives.
    await expect.poll(() => bob.getByLabel(`${A.name} is typing`).isVisible(), { timeout: 10_000 }).toBe(true)
    await alice.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => bob.locator('.bubble').filter({ hasText: 'Thank you, Bob!' }).isVisible(), { timeout: 15_000 }).toBe(true)

    // A photo and a file, private to the two of them, arrive live too.
    await alice.locator('.chat__compose input[type=file]').setInputFiles(files[0]!)
    await alice.getByRole('button', { name: 'Send' }).click()
    const photo = bob.locator('.bubble--media img')
    await expect
      .poll(
        () =>
          photo
            .first()
            .evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)
            .catch(() => false),
        { timeout: 15_000 },
      )
      .toBe(true)
    await alice
      .locator('.chat__compose input[type=file]')
      .setInputFiles({ name: 'route-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Meet at 8.') })
    await alice.getByLabel('Message', { exact: true }).fill('The route')
    await alice.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => bob.getByRole('link', { name: /route-notes\.txt/ }).isVisible(), { timeout: 15_000 }).toBe(true)

    // Bob's network drops; Alice writes; Bob comes back and catches up.
    await bobCtx.setOffline(true)
    await expect.poll(() => bob.getByText(/Reconnecting/).isVisible(), { timeout: 15_000 }).toBe(true)
    await alice.getByLabel('Message', { exact: true }).fill('Are you there?')
    await alice.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => alice.locator('.bubble').filter({ hasText: 'Are you there?' }).count()).toBe(1)
    await bobCtx.setOffline(false)
    await expect.poll(() => bob.locator('.bubble').filter({ hasText: 'Are you there?' }).isVisible(), { timeout: 30_000 }).toBe(true)
    expect(await bob.locator('.bubble').filter({ hasText: 'Are you there?' }).count()).toBe(1)

    // Bob takes his first message back: Alice sees a placeholder, live.
    const mine = bob.locator('.bubble-row.is-mine').filter({ hasText: 'Hi Alice! Loved the lake photo.' })
    await mine.hover()
    await mine.getByRole('button', { name: 'Delete this message' }).click()
    await mine.getByRole('button', { name: 'Delete this message' }).click()
    await expect.poll(() => bob.getByText('You deleted a message').isVisible()).toBe(true)
    await expect
      .poll(() => alice.locator('.bubble--deleted').filter({ hasText: 'Message deleted' }).isVisible(), { timeout: 15_000 })
      .toBe(true)
    expect(await alice.getByText('Hi Alice! Loved the lake photo.').count()).toBe(0)
  })

  it('loads older history as the reader scrolls up, and the inbox orders by the latest message', async () => {
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      })
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
      return await res.json()
    }
    const carl = await post('/api/hearth/v1/auth/register', {
      email: `carl_${suffix}@example.test`,
      username: `carl_${suffix}`,
      password: 'carl has a passphrase',
      displayName: 'Carl Chatty',
    })
    const bobProfile = (await (await fetch(`${server.url}/api/hearth/v1/users/lookup?username=${B.username}`)).json()) as { id: number }
    const convo = await post('/api/hearth/v1/conversations', { userId: bobProfile.id }, carl.accessToken)
    for (let i = 1; i <= 45; i++)
      await post(`/api/hearth/v1/conversations/${convo.id}/messages`, { content: `Carl says ${i}` }, carl.accessToken)

    await bob.goto(`${server.url}/messages`)
    await expect.poll(() => bob.locator('.convo-item').first().textContent()).toContain('Carl Chatty')
    await bob.locator('.convo-item').first().click()
    await expect
      .poll(() =>
        bob
          .locator('.bubble')
          .filter({ hasText: /^Carl says 45$/ })
          .isVisible(),
      )
      .toBe(true)
    expect(
      await bob
        .locator('.bubble')
        .filter({ hasText: /^Carl says 1$/ })
        .count(),
    ).toBe(0)
    // Scrolling to the top pulls in the earlier page.
    await expect
      .poll(
        async () => {
          await bob.locator('.chat__scroll').evaluate((el) => (el.scrollTop = 0))
          return bob
            .locator('.bubble')
            .filter({ hasText: /^Carl says 1$/ })
            .count()
        },
        { timeout: 15_000 },
      )
      .toBe(1)
    await expect.poll(() => bob.getByText('This is the start of your conversation with Carl Chatty.').isVisible()).toBe(true)
  })

  it('a report is resolved by an administrator, who then sees the statistics charts', async () => {
    await bob.goto(`${server.url}${postPath}`)
    await bob.getByRole('button', { name: 'More options for this post' }).click()
    await bob.getByRole('button', { name: 'Report', exact: true }).click()
    await bob.getByLabel('Spam').check()
    await bob.getByRole('button', { name: 'Send report' }).click()
    await expect.poll(() => bob.getByText(/Thanks for telling us/).isVisible()).toBe(true)

    const [adminCtx, admin] = await newPage(DESKTOP)
    await signIn(admin, server.admin.email, server.admin.password)
    await admin.goto(`${server.url}/admin/reports`)
    const report = admin.locator('article.report').filter({ hasText: 'First light at the lake' })
    await report.waitFor()
    await report.getByRole('button', { name: 'Delete post' }).click()
    await expect.poll(() => report.count()).toBe(0)
    await expect.poll(() => admin.getByText('No reports waiting').isVisible()).toBe(true)

    // The post is gone for everyone.
    await bob.goto(`${server.url}${postPath}`)
    await expect.poll(() => bob.getByText('This post isn’t available').isVisible()).toBe(true)

    await admin.getByRole('link', { name: 'Statistics' }).click()
    await admin.locator('.uplot canvas').first().waitFor()
    expect(await admin.locator('.uplot').count()).toBeGreaterThanOrEqual(2)
    await expect.poll(() => admin.locator('.stat__label', { hasText: 'New accounts in range' }).isVisible()).toBe(true)

    // People: find Bob, block him (his open page is signed out at once), then unblock; roles.
    await admin.getByRole('link', { name: 'People' }).click()
    await admin.getByLabel('Search people by name, username or email').fill(B.username)
    const row = admin.getByRole('row').filter({ hasText: B.username })
    await row.getByRole('button', { name: 'Block' }).click()
    await admin.getByRole('dialog').getByRole('button', { name: 'Block' }).click()
    await expect.poll(() => row.getByText('Blocked').isVisible()).toBe(true)
    // Bob was on a public page: it stays, signed out, and says so.
    await expect.poll(() => bob.getByText('You have been signed out.').isVisible(), { timeout: 15_000 }).toBe(true)
    await expect.poll(() => bob.getByRole('link', { name: 'Sign in' }).first().isVisible()).toBe(true)
    await row.getByRole('button', { name: 'Unblock' }).click()
    await expect.poll(() => row.getByText('Blocked').count()).toBe(0)
    await row.getByRole('button', { name: 'Make admin' }).click()
    await admin.getByRole('dialog').getByRole('button', { name: 'Make admin' }).click()
    await expect.poll(() => row.getByText('Admin', { exact: true }).isVisible()).toBe(true)
    await row.getByRole('button', { name: 'Remove admin' }).click()
    await admin.getByRole('dialog').getByRole('button', { name: 'Remove admin' }).click()
    await expect.poll(() => row.getByText('Admin', { exact: true }).count()).toBe(0)
    await adminCtx.close()
    await signIn(bob, B.username, B.password)
  })

  it('the sessions page signs the other device out', async () => {
    const [otherCtx, other] = await newPage(PHONE, true)
    await signIn(other, A.username, A.password)
    await other.goto(`${server.url}/notifications`)
    await other.getByRole('heading', { name: 'Notifications', exact: true }).waitFor()

    await alice.goto(`${server.url}/settings/sessions`)
    const sessions = alice.getByRole('list', { name: 'Active sessions' }).getByRole('listitem')
    await expect.poll(() => sessions.count()).toBe(2)
    await sessions
      .filter({ hasNotText: 'This device' })
      .getByRole('button', { name: /^Sign out/ })
      .click()
    await expect.poll(() => sessions.count()).toBe(1)

    // The other device is told at once (the stream closes with "session ended") and lands on
    // the sign-in screen, saying why.
    await other.waitForURL(/\/signin/, { timeout: 15_000 })
    await expect.poll(() => other.getByText('Your session has ended').isVisible()).toBe(true)
    await otherCtx.close()

    // Alice's own device is still signed in.
    await alice.goto(`${server.url}/`)
    await expect.poll(() => alice.getByRole('navigation', { name: 'Main navigation' }).isVisible()).toBe(true)
    expect(new URL(alice.url()).pathname).toBe('/')
    await aliceCtx.close()
    await bobCtx.close()
  })
})
