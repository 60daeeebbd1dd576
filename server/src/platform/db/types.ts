import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { schema } from '../../db/schema.js'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
/** A transaction handle: the same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
export type DbOrTx = Db | Tx

/** The database port: PGlite embedded (default) or a PostgreSQL server (DATABASE_URL). */
export interface Database {
  readonly kind: 'pglite' | 'postgres'
  readonly db: Db
  /** Applies pending migrations; safe to call from several instances at once. */
  migrate(): Promise<void>
  /**
   * Runs `fn` unless another holder has the advisory lock `key`, without waiting for it: one
   * instance runs a background job while the others skip their turn. PostgreSQL: a session lock on
   * a pooled connection kept for the duration (released if that connection dies); PGlite is one
   * process, so an in-process flag.
   */
  exclusive<T>(key: number, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>
  /** Throws when the database does not answer. */
  ping(): Promise<void>
  close(): Promise<void>
}

export const migrationsFolder = new URL('../../db/migrations', import.meta.url).pathname
