// `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded PGlite under DATA_DIR.
import { loadConfig } from '../config.js'
import { createDatabase } from '../platform/db/index.js'
import { exitOnStartupError } from '../startup.js'

async function run() {
  const database = await createDatabase(loadConfig())
  try {
    await database.migrate()
    console.log(`migrations applied (${database.kind})`)
  } finally {
    await database.close()
  }
}

await run().catch(exitOnStartupError)
