import { join } from 'node:path'
import type { Config } from '../../config.js'
import { lockDataDir } from './data-dir-lock.js'
import { createPgliteDatabase } from './pglite.js'
import { createPostgresDatabase } from './postgres.js'
import type { Database } from './types.js'

export type { Database, Db, DbOrTx, Tx } from './types.js'

export async function createDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl) return createPostgresDatabase(config.databaseUrl, { poolSize: config.databasePoolSize })
  const release = lockDataDir(config.dataDir)
  try {
    const database = await createPgliteDatabase({ dataDir: join(config.dataDir, 'pglite') })
    return { ...database, close: () => database.close().finally(release) }
  } catch (e) {
    release()
    throw e
  }
}
