import { sql } from 'drizzle-orm'
import type { PreparedQueryConfig } from 'drizzle-orm/pg-core'
import type { Db } from './types.js'

// Drizzle rebuilds a query's SQL on every call, which costs more CPU than the round trip for
// a primary-key lookup (measured: ~3x fewer queries/s than a prepared statement, see
// bench/results/auth.md). Hot-path queries are therefore built once per database handle.
const perDb = new WeakMap<object, Map<string, unknown>>()

export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let map = perDb.get(db)
  if (!map) perDb.set(db, (map = new Map()))
  let stmt = map.get(name) as T | undefined
  if (stmt === undefined) {
    stmt = build(db)
    map.set(name, stmt)
  }
  return stmt
}

/**
 * A plain-text statement with numbered placeholders ($1, $2, …) run as a named prepared statement
 * whose rows arrive as arrays and go straight to `mapRows` (no per-column mapping by Drizzle). For
 * read paths whose SQL is published byte for byte (the feed benchmark replays it with pgbench).
 * Timestamps arrive as PostgreSQL's text; JSON columns parsed; integers as numbers.
 */
export function preparedSql<R>(db: Db, name: string, text: string, paramCount: number, mapRows: (rows: unknown[][]) => R) {
  const stmt = prepared(db, name, (d) =>
    d._.session.prepareQuery<PreparedQueryConfig & { execute: R }>(
      { sql: text, params: Array.from({ length: paramCount }, (_, i) => sql.placeholder(String(i))) },
      undefined,
      name,
      true,
      (rows) => mapRows(rows as unknown[][]),
    ),
  )
  return (params: readonly unknown[]): Promise<R> => {
    if (params.length !== paramCount) throw new Error(`${name}: expected ${paramCount} parameters, got ${params.length}`)
    return stmt.execute({ ...params } as Record<string, unknown>)
  }
}
