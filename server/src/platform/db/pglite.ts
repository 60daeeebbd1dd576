import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { schema } from '../../db/schema.js'
import { migrationsFolder, type Database, type Db } from './types.js'

/**
 * The contrib extensions the migrations create (0011: unaccent, for search). PGlite must load
 * them at every start, a snapshot or data directory included: they live outside the data directory.
 */
export const PGLITE_EXTENSIONS = { unaccent }

/**
 * PostgreSQL compiled to WASM, in-process. `dataDir` persists it on disk; `snapshot` (a
 * `dumpDataDir()` tarball) starts an in-memory copy, which tests use to skip a cold init.
 */
export async function createPgliteDatabase(opts: { dataDir?: string; snapshot?: Blob | File }): Promise<Database> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true })
  const client = await PGlite.create(opts.dataDir, {
    extensions: PGLITE_EXTENSIONS,
    ...(opts.snapshot ? { loadDataDir: opts.snapshot } : {}),
  })
  return wrapPglite(client)
}

export function wrapPglite(client: PGlite): Database & { client: PGlite } {
  const db = drizzle(client, { schema }) as unknown as Db
  const held = new Set<number>()
  return {
    kind: 'pglite',
    db,
    client,
    async exclusive(key, fn) {
      if (held.has(key)) return { ran: false }
      held.add(key)
      try {
        return { ran: true, value: await fn() }
      } finally {
        held.delete(key)
      }
    },
    async migrate() {
      await migrate(drizzle(client, { schema }), { migrationsFolder })
    },
    async ping() {
      await client.query('SELECT 1')
    },
    async close() {
      if (!client.closed) await client.close()
    },
  }
}
