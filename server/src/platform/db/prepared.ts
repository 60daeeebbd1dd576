import type { Db } from './types.js'

// Drizzle rebuilds a query's SQL on every call, which costs more CPU than the round trip for
// a primary-key lookup (measured: ~3x fewer queries/s than a prepared statement, see
// bench/results/auth.md). Hot-path queries are therefore built once per database handle.
const perDb = new WeakMap<object, Map<string, unknown>>()

export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let map = perDb.get(db)
  if (!map) perDb.set(db, (map = new Map<string, unknown>()))
  let stmt = map.get(name) as T | undefined
  if (stmt === undefined) {
    stmt = build(db)
    map.set(name, stmt)
  }
  return stmt
}
