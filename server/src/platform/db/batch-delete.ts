// Deleting many rows without holding many locks for long: one bounded statement at a time, each
// its own transaction unless the caller gives one. Features use it on their own tables (account
// deletion's purge: features/deletion).
import { sql, type SQL } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { queryRows } from './rows.js'
import type { DbOrTx } from './types.js'

/** Deletes up to `limit` rows of `table` matching `where` (by ctid, so any table works); how many went. */
export async function deleteSome(db: DbOrTx, table: PgTable, where: SQL, limit: number): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${where} LIMIT ${limit}) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  )
  return Number(rows[0]?.n ?? 0)
}
