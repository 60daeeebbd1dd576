// Explore and the bell in a real browser (issue 14, items 4 and 8): three people like a photo and
// its author reads one grouped notification, "cai, ben and ana liked your photo", with the photo's
// thumbnail; the Explore grid shows the liked photo first, ahead of newer posts nobody engaged
// with. People other than the one at the browser act through the API. Runs against the real
// server on a fresh database (support/server.ts).
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { photo } from '../server/src/demo/pictures.js'
import { DESKTOP, launchBrowser } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
let ctx: BrowserContext
let page: Page
const suffix = Date.now().toString(36).slice(-5)
const PASSWORD = 'correct horse battery'
const name = (who: string) => `${who}_${suffix}`

interface Person {
  username: string
  token: string
}

async function apiCall(path: string, init: { method?: string; token?: string; json?: unknown; form?: FormData } = {}) {
  const headers: Record<string, string> = {}
  if (init.token) headers.authorization = `Bearer ${init.token}`
  if (init.json !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${server.url}/api/hearth/v1${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.form ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
  })
  if (res.status >= 400) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`)
  return res.status === 204 ? null : ((await res.json()) as Record<string, unknown>)
}

async function person(who: string): Promise<Person> {
  const username = name(who)
  const body = await apiCall('/auth/register', {
    method: 'POST',
    json: { email: `${username}@example.test`, username, password: PASSWORD },
  })
  return { username, token: String(body!.accessToken) }
}

async function photoPost(author: Person, content: string): Promise<number> {
  const form = new FormData()
  form.append('content', content)
  form.append('images', new Blob([new Uint8Array(await photo(4242))], { type: 'image/jpeg' }), 'photo.jpg')
  const body = await apiCall('/posts', { method: 'POST', token: author.token, form })
  return Number(body!.id)
}

async function signIn(p: Page, who: Person) {
  await p.goto(`${server.url}/signin`)
  await p.getByLabel('Email or username').fill(who.username)
  await p.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await p.getByRole('button', { name: 'Sign in', exact: true }).click()
  await p.waitForURL((u) => !u.pathname.startsWith('/signin'))
}

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
