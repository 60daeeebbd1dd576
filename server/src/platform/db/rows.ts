import type { SQL } from 'drizzle-orm'
import type { DbOrTx } from './types.js'

/**
 * Runs raw SQL and returns its rows as objects. Both drivers (node-postgres, PGlite) answer
 * `execute` with a result whose `rows` holds them; Drizzle's type for it differs per driver.
 */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query)
  return (result as { rows: T[] }).rows
}
