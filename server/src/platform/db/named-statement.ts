import type { PreparedQueryConfig } from 'drizzle-orm/pg-core'
import type { DbOrTx } from './types.js'

/**
 * Runs plain SQL with numbered placeholders ($1, $2, …) as a named prepared statement on `db`,
 * which may be a transaction: node-postgres parses and plans it once per connection and then only
 * binds and executes it, and no query builder runs per call. Rows arrive as arrays (timestamps as
 * PostgreSQL's text, JSON parsed) and go straight to `mapRows`. For write paths hot enough that
 * parse/plan and Drizzle's SQL building show in a profile (the message send, bench/stream.ts).
 */
export function runNamed<R>(
  db: DbOrTx,
  /** undefined: an unnamed statement, parsed and planned on every call with its actual values */
  name: string | undefined,
  text: string,
  params: readonly unknown[],
  mapRows: (rows: unknown[][]) => R,
): Promise<R> {
  return db._.session
    .prepareQuery<PreparedQueryConfig & { execute: R }>({ sql: text, params: [...params] }, undefined, name, true, (rows) => mapRows(rows))
    .execute()
}
