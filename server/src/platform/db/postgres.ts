import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import { schema } from '../../db/schema.js'
import { ADVISORY_LOCKS } from '../jobs/locks.js'
import { migrationsFolder, type Database, type Db } from './types.js'

export function createPostgresDatabase(url: string, opts: { poolSize?: number } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // With the server down or unreachable, a request waits at most this long for a connection,
    // then answers 503 (http/error-handler.ts) instead of hanging.
    connectionTimeoutMillis: 3000,
  })
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  const db = drizzle(pool, { schema }) as unknown as Db
  return {
    kind: 'postgres',
    db,
    async migrate() {
      const client = await pool.connect()
      try {
        // Several instances may start at once: one migrates, the others wait and find nothing to do.
        await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.migrations])
        await migrate(drizzle(client, { schema }), { migrationsFolder })
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.migrations]).catch(() => {})
        client.release()
      }
    },
    async exclusive(key, fn) {
      const client = await pool.connect()
      let locked = false
      try {
        const res = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key])
        locked = res.rows[0]!.ok
        if (!locked) return { ran: false }
        return { ran: true, value: await fn() }
      } finally {
        let broken = false
        if (locked) await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => (broken = true))
        client.release(broken) // a connection that could not unlock is closed, which unlocks
      }
    },
    async ping() {
      await pool.query('SELECT 1')
    },
    async close() {
      await pool.end()
    },
  }
}
