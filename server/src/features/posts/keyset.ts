// Keyset cursors on (created_at, id). JavaScript dates keep milliseconds but PostgreSQL keeps
// microseconds, so a cursor built from a Date would skip rows created within the same
// millisecond as the last row of a page. The sort key therefore travels as text produced by
// PostgreSQL itself (`cursorAt`) and goes back in as `$n::timestamptz`, losslessly.
import { sql, type AnyColumn, type SQL } from 'drizzle-orm'
import { decodeCursor, invalidCursor } from '../../http/pagination.js'

/**
 * The SQL text form of a timestamptz in cursors: UTC, microseconds, ISO 8601 basic format
 * (20240131T235959.123456Z). Basic rather than extended so the statement holds no `:MI`-style
 * sequences, which pgbench would take for variables when the benchmark replays feed SQL.
 */
export const CURSOR_AT_FORMAT = `'YYYYMMDD"T"HH24MISS.US"Z"'`

export const cursorAt = (column: AnyColumn | SQL): SQL<string> =>
  sql<string>`to_char(${column} AT TIME ZONE 'UTC', ${sql.raw(CURSOR_AT_FORMAT)})`

/** Stands for "before everything" on a first page, so page 1 and page N run the same SQL. */
export const FIRST_PAGE_AT = 'infinity'
export const FIRST_PAGE_ID = 2_147_483_647

const AT_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.\d{6}Z$/

export interface TimeKey {
  at: string
  id: number
}

/**
 * Decodes a cursor made from `[cursorAt, id]`. Anything PostgreSQL would refuse to cast is a
 * 400 here, never a 500 there.
 */
export function decodeTimeCursor(cursor: string | undefined): TimeKey | undefined {
  const values = decodeCursor<[string, number]>(cursor, ['string', 'number'])
  if (!values) return undefined
  const [at, id] = values
  const m = AT_PATTERN.exec(at)
  if (!m || id < 1 || id > FIRST_PAGE_ID) throw invalidCursor()
  const extended = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`
  const parsed = new Date(extended + 'Z')
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 19) !== extended || Number(m[1]) < 1) throw invalidCursor()
  return { at, id }
}

/** Newest-first lists: the bound for "rows before the cursor", or before everything on page 1. */
export function boundBefore(key: TimeKey | undefined): TimeKey {
  return key ?? { at: FIRST_PAGE_AT, id: FIRST_PAGE_ID }
}

/** Oldest-first lists: the bound for "rows after the cursor", or after nothing on page 1. */
export function boundAfter(key: TimeKey | undefined): TimeKey {
  return key ?? { at: '-infinity', id: 0 }
}

/**
 * ORDER BY for newest-first lists. The keyset indexes of migration 0001 are `DESC NULLS LAST`
 * while a bare `DESC` means NULLS FIRST: with a bare DESC PostgreSQL cannot read those indexes in
 * order and sorts every candidate row instead (the columns are NOT NULL, so the results agree).
 */
export const newestFirst = (createdAt: AnyColumn, id: AnyColumn): SQL[] => [sql`${createdAt} DESC NULLS LAST`, sql`${id} DESC NULLS LAST`]
