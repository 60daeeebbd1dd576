// `npm run screenshots`: seeds the demo network into a temporary embedded database, starts the
// server on it and saves the main screens at phone (390×844) and desktop (1280×800) widths into
// docs/screenshots/. Run through scripts/screenshots.mjs.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { photo } from '../server/src/demo/pictures.js'
import { DESKTOP, haveChromium, launchBrowser, PHONE } from './support/browser.js'
import { freePort, startServer } from './support/server.js'

const repo = join(import.meta.dirname, '..')
const out = join(repo, 'docs', 'screenshots')

if (!haveChromium()) {
  console.error('Chromium is missing: apt-get install -y chromium')
  process.exit(1)
}

// Screenshots always come from the embedded database.
delete process.env.TEST_DATABASE_URL
// SHOTS_DATA_DIR + SHOTS_PORT keep a seeded network between runs (when iterating on the look).
const keep = process.env.SHOTS_DATA_DIR
const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'hearth-shots-'))
mkdirSync(dataDir, { recursive: true })
const samples = [11, 23, 37].map((seed, i) => {
  const file = join(dataDir, `sample-${i}.jpg`)
  return { file, seed }
})
for (const s of samples) writeFileSync(s.file, await photo(s.seed * 7919))
const port = process.env.SHOTS_PORT ? Number(process.env.SHOTS_PORT) : await freePort()
console.log('seeding the demo network…')
const seeded = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'server', 'src', 'demo', 'main.ts'), '--no-start'], {
  cwd: repo,
  stdio: 'inherit',
  // Photo URLs carry PUBLIC_URL: seed with the address the server will have.
  env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
})
if (seeded.status !== 0) process.exit(seeded.status ?? 1)
const adminPassword = readFileSync(join(dataDir, 'demo-admin.txt'), 'utf8').trim()

const server = await startServer({
  PORT: String(port),
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  REDIS_URL: '',
  ADMIN_EMAIL: 'admin@demo.hearth',
  ADMIN_PASSWORD: adminPassword,
})
const browser = await launchBrowser()
mkdirSync(out, { recursive: true })

async function signIn(page: Page, login: string, password: string) {
  await page.goto(`${server.url}/signin`)
  await page.getByLabel('Email or username').fill(login)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
}

/** Waits for the network to settle and images to finish, then saves the screen. */
async function shot(page: Page, name: string, size: 'phone' | 'desktop') {
  await page.waitForLoadState('networkidle').catch(() => {})
  await page
    .waitForFunction(
      () =>
        [...document.images].every((i) => {
          // Lazy images below the fold have not started: only those on screen count.
          const r = i.getBoundingClientRect()
          return i.complete || r.top > innerHeight || r.bottom < 0 || r.width === 0
        }),
      undefined,
      { timeout: 10_000 },
    )
    .catch(() => {})
  await page.waitForTimeout(400)
  await page.screenshot({ path: join(out, `${name}-${size}.png`) })
  console.log(`  ${name}-${size}.png`)
}

try {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    const context = await browser.newContext({
      viewport,
      deviceScaleFactor: size === 'phone' ? 2 : 1,
      isMobile: size === 'phone',
      hasTouch: size === 'phone',
      locale: 'en-US',
      timezoneId: 'UTC',
    })
    const page = await context.newPage()
    await page.goto(`${server.url}/signin`)
    await shot(page, 'sign-in', size)
    await page.goto(`${server.url}/signup`)
    await shot(page, 'sign-up', size)

    await signIn(page, 'maya', 'hearth demo password')
    await page.goto(`${server.url}/`)
    await page.locator('article.post').first().waitFor()
    await shot(page, 'feed', size)

    await page.goto(`${server.url}/explore`)
    await page.locator('.grid__item').first().waitFor()
    await shot(page, 'explore', size)

    await page.goto(`${server.url}/@leo`)
    await page.locator('.grid__item').first().waitFor()
    await shot(page, 'profile', size)

    const firstPost = await page.locator('.grid__item').first().getAttribute('href')
    await page.goto(`${server.url}${firstPost}`)
    await page.locator('.post-page').waitFor()
    await shot(page, 'post', size)

    await page.goto(`${server.url}/new`)
    await page.locator('#composer-text').fill('Evening light over the harbour 🌅')
    await page.locator('input[type=file]').setInputFiles(samples.map((s) => s.file))
    await shot(page, 'composer', size)

    await page.goto(`${server.url}/messages`)
    await page.locator('.convo-item').first().click()
    await page.locator('.bubble').first().waitFor()
    await shot(page, 'messages', size)

    await page.goto(`${server.url}/notifications`)
    await page.locator('.notif').first().waitFor()
    await shot(page, 'notifications', size)

    await page.goto(`${server.url}/settings/sessions`)
    await page.locator('.session').first().waitFor()
    await shot(page, 'settings', size)

    await context.clearCookies()
    await page.goto(`${server.url}/signin`)
    await signIn(page, 'admin@demo.hearth', adminPassword)
    await page.goto(`${server.url}/admin/reports`)
    await page.locator('.report').first().waitFor()
    await shot(page, 'admin-reports', size)
    await page.goto(`${server.url}/admin/stats`)
    await page.locator('.uplot').first().waitFor()
    await shot(page, 'admin-stats', size)
    await context.close()
  }
} finally {
  await browser.close()
  await server.stop()
  if (!keep) rmSync(dataDir, { recursive: true, force: true })
}
console.log(`saved in ${out}`)
