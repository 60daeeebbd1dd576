// `npm run demo`: fills the embedded database (PGlite under DATA_DIR, default ./data) with a
// small living network, prints how to sign in, then starts the server as `npm start` would.
// Run again, it keeps the data and prints the same credentials. `--no-start` only seeds.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { exitOnStartupError } from '../startup.js'
import { createContext } from '../context.js'
import { ensureAdmin } from '../features/auth/index.js'
import { composeServices } from '../services.js'
import { alreadySeeded, DEMO_PASSWORD, randomPassword, seedDemo } from './network.js'

const ADMIN_EMAIL = 'admin@demo.hearth'

async function seed(): Promise<{ adminPassword: string; seededNow: boolean }> {
  const base = loadConfig()
  const file = join(base.dataDir, 'demo-admin.txt')
  const saved = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined
  const adminPassword = saved || randomPassword()
  // Seeding talks to the app in-process: no rate limits, no background jobs.
  const config = loadConfig({
    ...process.env,
    RATE_LIMIT_ENABLED: 'false',
    JOBS_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL,
    ADMIN_PASSWORD: adminPassword,
  })
  const ctx = await createContext(config)
  const services = composeServices(ctx)
  try {
    await ctx.database.migrate()
    await ensureAdmin(ctx, services)
    if (await alreadySeeded(ctx)) return { adminPassword, seededNow: false }
    writeFileSync(file, adminPassword + '\n')
    chmodSync(file, 0o600)
    const app = await buildApp(ctx, services)
    await app.ready()
    const started = Date.now()
    const result = await seedDemo(ctx, app, (line) => console.log(`  ${line}`))
    await app.close()
    console.log(`  ${result.users} people and ${result.posts} posts in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return { adminPassword, seededNow: true }
  } finally {
    await services.close()
    await ctx.close()
  }
}

async function main() {
  const config = loadConfig()
  console.log(`Hearth demo — database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded, ${join(config.dataDir, 'pglite')}`}`)
  const { adminPassword, seededNow } = await seed()
  console.log(
    [
      '',
      seededNow ? 'The demo network is ready.' : 'The demo network was already there; nothing was added.',
      '',
      `  Open            ${config.publicUrl}`,
      `  Administrator   ${ADMIN_EMAIL}  /  ${adminPassword}`,
      `  Everyone else   maya, leo, sofia, kenji, amara, noah, ines, omar, zoe, lucas, priya, felix`,
      `                  password: ${DEMO_PASSWORD}`,
      '',
    ].join('\n'),
  )
  if (process.argv.includes('--no-start')) return
  // The admin keeps this password on later `npm start`s too (ensureAdmin runs with it now).
  process.env.ADMIN_EMAIL ??= ADMIN_EMAIL
  process.env.ADMIN_PASSWORD ??= adminPassword
  await import('../main.js')
}

main().catch(exitOnStartupError)
