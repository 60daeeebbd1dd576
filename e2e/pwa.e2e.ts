// The web app as a phone app (issue 17, items 1, 3 and 6): the manifest and the service worker are
// served and registered, an offline reload shows the offline page with the last-seen feed, sign-out
// removes that copy; dark mode follows the system and the Settings choice overrides it across
// reloads; and the field defects seen on phones: the admin people list fits 390 px with its
// actions on screen, a wide first photo keeps a frame clamped to 1.91:1 (not stretched by a taller
// second photo), and the signed-out post page's "Sign in to like or comment." reads as one sentence.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, PHONE } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
const tmp = mkdtempSync(join(tmpdir(), 'hearth-e2e-pwa-'))
const suffix = Date.now().toString(36).slice(-5)
const P = { username: `pia_${suffix}`, email: `pia_${suffix}@example.test`, password: 'a phone in every pocket' }
const CAPTION = `Panorama over the bay ${suffix}`
let postPath = ''

async function newPage(viewport: { width: number; height: number }, options: { dark?: boolean } = {}): Promise<[BrowserContext, Page]> {
  const ctx = await browser.newContext({ viewport, locale: 'en-US', colorScheme: options.dark ? 'dark' : 'light' })
  const page = await ctx.newPage()
  page.setDefaultTimeout(15_000)
  return [ctx, page]
}

async function signIn(page: Page, login: string, password: string) {
  await page.goto(`${server.url}/signin`)
  await page.getByLabel('Email or username').fill(login)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
}

const solid = (width: number, height: number, color: string) =>
  sharp({ create: { width, height, channels: 3, background: color } })
    .jpeg()
    .toBuffer()

const bodyBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor)

/** The first photo frame's width / height, and the height of the media box around it. */
const frame = (page: Page, media: string) =>
  page
    .locator(`${media} .carousel__slide`)
    .first()
    .evaluate((slide, mediaSel) => {
      const r = slide.getBoundingClientRect()
      const box = document.querySelector(mediaSel)!.getBoundingClientRect()
      return { ratio: r.width / r.height, frameHeight: r.height, mediaHeight: box.height }
    }, media)

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

describe('installable', () => {
  it('serves a manifest with the fields browsers ask for, icons that load, linked from the page', async () => {
    const [ctx, page] = await newPage(DESKTOP)
    await page.goto(`${server.url}/explore`)
    const href = await page.locator('link[rel=manifest]').getAttribute('href')
    const res = await page.request.get(`${server.url}${href}`)
    expect(res.status()).toBe(200)
    expect(res.headers()['content-type']).toMatch(/^application\/manifest\+json/)
    const m = (await res.json()) as {
      name: string
      short_name: string
      start_url: string
      scope: string
      display: string
      theme_color: string
      background_color: string
      icons: { src: string; sizes: string; type: string; purpose?: string }[]
      shortcuts: { name: string; url: string }[]
    }
    expect(m).toMatchObject({ name: 'Hearth', short_name: 'Hearth', start_url: '/', scope: '/', display: 'standalone' })
    expect(m.theme_color).toMatch(/^#[0-9a-f]{6}$/i)
    expect(m.background_color).toMatch(/^#[0-9a-f]{6}$/i)
    expect(m.shortcuts.map((s) => [s.name, s.url])).toEqual([
      ['New post', '/new'],
      ['Messages', '/messages'],
    ])
    const sizes = new Set<string>()
    for (const icon of m.icons) {
      const got = await page.request.get(`${server.url}${icon.src}`)
      expect(got.status(), icon.src).toBe(200)
      expect(got.headers()['content-type']).toBe(icon.type)
      if (icon.type === 'image/png') {
        const meta = await sharp(await got.body()).metadata()
        expect(`${meta.width}x${meta.height}`).toBe(icon.sizes)
        sizes.add(`${icon.sizes} ${icon.purpose ?? 'any'}`)
      }
    }
    expect([...sizes]).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']))
    await ctx.close()
  })
})

describe('on a phone, signed in', () => {
  let ctx: BrowserContext
  let page: Page

  beforeAll(async () => {
    ;[ctx, page] = await newPage(PHONE)
  })
  afterAll(async () => ctx?.close())

  it('registers the service worker, which controls the page', async () => {
    await page.goto(`${server.url}/signup`)
    await page.getByLabel('Email', { exact: true }).fill(P.email)
    await page.getByLabel('Full name').fill('Pia Phone')
    await page.getByLabel('Username').fill(P.username)
    await page.getByLabel('Password', { exact: true }).fill(P.password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(/\/explore\?welcome=1$/)
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
    expect(scope).toBe(`${server.url}/`)
    // clients.claim(): the page that registered it is controlled without a reload.
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toBe(`${server.url}/sw.js`)
    // The offline page is in the worker's cache, and no API answer is anywhere in it.
    const cached = await page.evaluate(async () => {
      const urls: string[] = []
      for (const key of await caches.keys()) for (const req of await (await caches.open(key)).keys()) urls.push(new URL(req.url).pathname)
      return urls
    })
    expect(cached).toContain('/offline.html')
    expect(cached.filter((u) => u.startsWith('/api/') || u.startsWith('/media/'))).toEqual([])
  })

  it('frames a wide first photo at 1.91:1 in the feed and on the post page, whatever the next photo', async () => {
    const wide = join(tmp, 'wide.jpg')
    const tall = join(tmp, 'tall.jpg')
    writeFileSync(wide, await solid(1800, 600, '#3a7bd5')) // 3:1, wider than 1.91:1
    writeFileSync(tall, await solid(600, 1200, '#d53a7b')) // 1:2, taller than 4:5
    await page.goto(`${server.url}/new`)
    await page.getByLabel('Caption').fill(CAPTION)
    await page.locator('input[type=file]').setInputFiles([wide, tall])
    await page.getByRole('button', { name: 'Share' }).click()
    await page.waitForURL(/\/p\/\d+$/)
    postPath = new URL(page.url()).pathname

    const onPost = await frame(page, '.post-page__media')
    expect(onPost.ratio).toBeCloseTo(1.91, 1)
    expect(onPost.mediaHeight).toBeCloseTo(onPost.frameHeight, 0)

    await page.goto(`${server.url}/`)
    await page.getByText(CAPTION).waitFor()
    const inFeed = await frame(page, '.post__media')
    expect(inFeed.ratio).toBeCloseTo(1.91, 1)
    expect(inFeed.mediaHeight).toBeCloseTo(inFeed.frameHeight, 0)
  })

  it('reloaded offline, shows the offline page with the feed as last seen', async () => {
    // The feed page above was kept for the offline page.
    await expect.poll(() => page.evaluate(() => localStorage.getItem('hearth:last-feed') ?? '')).toContain(CAPTION)
    await ctx.setOffline(true)
    await page.reload()
    await expect.poll(() => page.getByRole('heading', { name: 'You’re offline' }).isVisible()).toBe(true)
    await expect.poll(() => page.getByRole('heading', { name: 'Your feed when you last saw it' }).isVisible()).toBe(true)
    await expect.poll(() => page.getByText(CAPTION).isVisible()).toBe(true)
    expect(await page.locator('#last-feed-when').textContent()).toContain(P.username)

    await ctx.setOffline(false)
    await page.getByRole('button', { name: 'Try again' }).click()
    await page.getByText(CAPTION).first().waitFor()
    expect(await page.locator('.post').count()).toBeGreaterThan(0)
  })

  it('signing out removes the offline copy of the feed', async () => {
    await page.goto(`${server.url}/settings/profile`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/signin/)
    await expect.poll(() => page.evaluate(() => localStorage.getItem('hearth:last-feed'))).toBeNull()
    // The worker's caches are cleared down to this build's shell (the app's own files).
    await expect.poll(() => page.evaluate(() => caches.keys())).toEqual([expect.stringMatching(/^hearth-shell-[0-9a-f]{16}$/)])
    await ctx.setOffline(true)
    await page.reload()
    await expect.poll(() => page.getByRole('heading', { name: 'You’re offline' }).isVisible()).toBe(true)
    expect(await page.locator('#last-feed').isHidden()).toBe(true)
    expect(await page.getByText(CAPTION).count()).toBe(0)
    await ctx.setOffline(false)
  })
})

describe('dark mode', () => {
  it('follows the system, and the choice in Settings overrides it across reloads', async () => {
    const [ctx, page] = await newPage(DESKTOP, { dark: true })
    await signIn(page, P.username, P.password)
    await page.goto(`${server.url}/`)
    await page.getByText(CAPTION).first().waitFor()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    expect(await bodyBackground(page)).toBe('rgb(14, 16, 20)')
    expect(await page.locator('meta[name=theme-color][data-scheme=dark]').getAttribute('content')).toBe('#16191e')

    await page.goto(`${server.url}/settings/appearance`)
    expect(await page.getByRole('radio', { name: 'System' }).isChecked()).toBe(true)
    await page.getByRole('radio', { name: 'Light' }).check()
    await expect.poll(() => bodyBackground(page)).toBe('rgb(250, 250, 250)')
    await page.goto(`${server.url}/`)
    await page.getByText(CAPTION).first().waitFor()
    expect(await bodyBackground(page)).toBe('rgb(250, 250, 250)')
    // Set before the first paint: already there when the document is parsed, before the app runs.
    await page.reload({ waitUntil: 'commit' })
    await page.waitForFunction(() => document.body !== null)
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')

    // The system flips to light: a chosen Dark stays dark; System follows it.
    await page.goto(`${server.url}/settings/appearance`)
    await page.getByRole('radio', { name: 'Dark' }).check()
    await page.emulateMedia({ colorScheme: 'light' })
    await expect.poll(() => bodyBackground(page)).toBe('rgb(14, 16, 20)')
    await page.getByRole('radio', { name: 'System' }).check()
    await expect.poll(() => bodyBackground(page)).toBe('rgb(250, 250, 250)')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => bodyBackground(page)).toBe('rgb(14, 16, 20)')
    await ctx.close()
  })
})

describe('field defects on phones', () => {
  it('the admin people list fits 390 px, with the actions on screen', async () => {
    const [ctx, page] = await newPage(PHONE)
    await signIn(page, server.admin.email, server.admin.password)
    await page.goto(`${server.url}/admin/users`)
    const row = page.getByRole('row').filter({ hasText: P.username })
    await row.waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)
    for (const name of ['Block', 'Make admin']) {
      const button = row.getByRole('button', { name })
      expect(await button.isVisible()).toBe(true)
      const box = (await button.boundingBox())!
      expect(box.x).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width)
    }
    const lastActive = (await row.locator('td[data-label="Last active"]').boundingBox())!
    expect(lastActive.x + lastActive.width).toBeLessThanOrEqual(PHONE.width)
    await ctx.close()
  })

  it('the signed-out post page asks to sign in in one sentence', async () => {
    const [ctx, page] = await newPage(PHONE)
    await page.goto(`${server.url}${postPath}`)
    const prompt = page.locator('.comment-form').filter({ hasText: 'to like or comment' })
    await prompt.waitFor()
    expect(await prompt.innerText()).toBe('Sign in to like or comment.')
    // The link and the words after it sit one space apart (not the form's 10 px gap plus a space).
    const gap = await prompt.evaluate((p) => {
      const link = p.querySelector('a')!.getBoundingClientRect()
      const range = document.createRange()
      const text = p.querySelector('a')!.nextSibling!
      range.setStart(text, 1)
      range.setEnd(text, 2)
      return range.getBoundingClientRect().left - link.right
    })
    expect(gap).toBeGreaterThan(0)
    expect(gap).toBeLessThan(8)
    await ctx.close()
  })
})
