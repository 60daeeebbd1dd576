// Alt text, content warnings and saved posts in a real browser (issue 14, items 5-7): a photo's
// description is read back from its <img>, a sensitive photo stays hidden until "Show" (and is shown
// at once for someone who asked to always see sensitive media), and a saved post is listed on the
// Saved tab of one's own profile. Runs against the real server on a fresh database (support/server.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { photo } from '../server/src/demo/pictures.js'
import { DESKTOP, launchBrowser } from './support/browser.js'
import { startServer, type RunningServer } from './support/server.js'

let server: RunningServer
let browser: Browser
let ana: Page
let anaCtx: BrowserContext
let files: string[]
let describedPath = ''
let sensitivePath = ''
const tmp = mkdtempSync(join(tmpdir(), 'hearth-e2e-expression-'))
const suffix = Date.now().toString(36).slice(-5)
const A = { username: `ana_${suffix}`, email: `ana_${suffix}@example.test`, name: 'Ana Example', password: 'correct horse battery' }
const ALT = 'A red kite above a green hill under a clear sky'

async function newPage(): Promise<[BrowserContext, Page]> {
  const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
  const page = await ctx.newPage()
  page.setDefaultTimeout(15_000)
  return [ctx, page]
}

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  files = []
  for (const seed of [2, 7, 11]) {
    const f = join(tmp, `photo-${seed}.jpg`)
    writeFileSync(f, await photo(seed * 7919))
    files.push(f)
  }
  ;[anaCtx, ana] = await newPage()
  await ana.goto(`${server.url}/signup`)
  await ana.getByLabel('Email', { exact: true }).fill(A.email)
  await ana.getByLabel('Full name').fill(A.name)
  await ana.getByLabel('Username').fill(A.username)
  await ana.getByLabel('Password', { exact: true }).fill(A.password)
  await ana.getByRole('button', { name: 'Create account' }).click()
  await ana.waitForURL(/\/explore\?welcome=1$/)
}, 240_000)

afterAll(async () => {
  await anaCtx?.close()
  await browser?.close()
  await server?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

describe('expression', () => {
  it('describes a photo in the composer and reads the description back from its <img>', async () => {
    await ana.goto(`${server.url}/new`)
    await ana.getByLabel('Caption').fill('Kite day')
    await ana.locator('input[type=file]').setInputFiles(files.slice(0, 2))
    const first = ana.getByLabel('Description of photo 1')
    await first.waitFor()
    expect(await first.getAttribute('placeholder')).toBe('Describe this photo for people who can’t see it')
    await first.fill(ALT)
    await ana.getByRole('button', { name: 'Share' }).click()
    await ana.waitForURL(/\/p\/\d+$/)
    describedPath = new URL(ana.url()).pathname
    const imgs = ana.locator('.post-page__media img')
    await expect.poll(() => imgs.count()).toBe(2)
    expect(await imgs.nth(0).getAttribute('alt')).toBe(ALT)
    // the photo left without a description keeps the generated one
    expect(await imgs.nth(1).getAttribute('alt')).toBe(`Photo by ${A.username}: Kite day, photo 2 of 2`)
  })

  it('edits a photo’s description later, from the post’s menu', async () => {
    await ana.goto(`${server.url}${describedPath}`)
    await ana.getByRole('button', { name: 'More options for this post' }).click()
    await ana.getByRole('button', { name: 'Edit post' }).click()
    const dialog = ana.getByRole('dialog', { name: 'Edit post' })
    expect(await dialog.getByLabel('Description of photo 1').inputValue()).toBe(ALT)
    await dialog.getByLabel('Description of photo 2').fill('The same kite, landing in the grass')
    await dialog.getByRole('button', { name: 'Save' }).click()
    const imgs = ana.locator('.post-page__media img')
    await expect.poll(() => imgs.nth(1).getAttribute('alt')).toBe('The same kite, landing in the grass')
    await ana.reload()
    await expect.poll(() => imgs.nth(1).getAttribute('alt')).toBe('The same kite, landing in the grass')
    expect(await imgs.nth(0).getAttribute('alt')).toBe(ALT)
  })

  it('hides a sensitive photo behind its warning until "Show"', async () => {
    await ana.goto(`${server.url}/new`)
    await ana.getByLabel('Caption').fill('Garden visitors')
    await ana.locator('input[type=file]').setInputFiles(files[2]!)
    await ana.getByLabel('Sensitive content').check()
    await ana.getByLabel('Content warning (optional)').fill('Spiders')
    await ana.getByRole('button', { name: 'Share' }).click()
    await ana.waitForURL(/\/p\/\d+$/)
    sensitivePath = new URL(ana.url()).pathname

    // someone else, signed out: the warning, a blurred placeholder, and no photo requested
    const [ctx, visitor] = await newPage()
    try {
      await visitor.goto(`${server.url}${sensitivePath}`)
      const cover = visitor.getByRole('group', { name: 'Sensitive content' })
      await cover.waitFor()
      expect(await cover.textContent()).toContain('Spiders')
      expect(await visitor.locator('.post-page__media img').count()).toBe(0)
      await cover.getByRole('button', { name: 'Show' }).click()
      const img = visitor.locator('.post-page__media img')
      await expect.poll(() => img.count()).toBe(1)
      await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0), { timeout: 15_000 }).toBe(true)
    } finally {
      await ctx.close()
    }
  })

  it('shows sensitive photos at once to someone who chose "Always show sensitive media"', async () => {
    await ana.goto(`${server.url}${sensitivePath}`)
    await ana.getByRole('group', { name: 'Sensitive content' }).waitFor()
    await ana.goto(`${server.url}/settings/media`)
    const toggle = ana.getByLabel('Always show sensitive media')
    expect(await toggle.isChecked()).toBe(false)
    await toggle.check()
    await expect.poll(() => ana.getByText('Sensitive photos will be shown').isVisible()).toBe(true)
    await ana.goto(`${server.url}${sensitivePath}`)
    await expect.poll(() => ana.locator('.post-page__media img').count()).toBe(1)
    expect(await ana.getByRole('group', { name: 'Sensitive content' }).count()).toBe(0)
    // the setting is the server's: it survives a reload
    await ana.reload()
    await expect.poll(() => ana.locator('.post-page__media img').count()).toBe(1)
  })

  it('saves a post and lists it on the Saved tab of one’s own profile', async () => {
    await ana.goto(`${server.url}${describedPath}`)
    const save = ana.getByRole('button', { name: 'Save', exact: true })
    await save.click()
    await expect.poll(() => ana.getByRole('button', { name: 'Remove from saved' }).getAttribute('aria-pressed')).toBe('true')

    await ana.goto(`${server.url}/@${A.username}`)
    await ana.getByRole('button', { name: 'Saved' }).click()
    const tiles = ana.locator('.grid a.grid__item')
    await expect.poll(() => tiles.count()).toBe(1)
    expect(await tiles.first().getAttribute('href')).toBe(describedPath)
    // the save is the server's: still there after a reload, and gone once removed
    await ana.reload()
    await ana.getByRole('button', { name: 'Saved' }).click()
    await expect.poll(() => tiles.count()).toBe(1)
    await tiles.first().click()
    await ana.waitForURL((u) => u.pathname === describedPath)
    await ana.getByRole('button', { name: 'Remove from saved' }).click()
    await expect.poll(() => ana.getByRole('button', { name: 'Save', exact: true }).getAttribute('aria-pressed')).toBe('false')
    await ana.goto(`${server.url}/@${A.username}`)
    await ana.getByRole('button', { name: 'Saved' }).click()
    await expect.poll(() => ana.getByText('Save posts to see again').isVisible()).toBe(true)
  })
})
