// Keyset pagination, the one helper for every list: a page is `limit + 1` rows ordered by a
// unique sort key, and the next cursor encodes the key of the last row kept. Never OFFSET.
//
// One cursor format: base64url of a JSON array holding the sort key of the last item of a page,
// e.g. `[id]`, `[username]` or a time key `[at, id]`. Cursors are opaque to clients; a cursor
// this server did not issue is refused with 400 `invalid_cursor`.
//
// Time keys: JavaScript dates keep milliseconds but PostgreSQL keeps microseconds, so a cursor
// built from a Date would skip rows created within the same millisecond as the last row of a
// page. The time therefore travels as text written by PostgreSQL itself (`cursorAt`, ISO 8601 in
// UTC with microseconds) and goes back in as `$n::timestamptz`, losslessly.
import { sql, type AnyColumn, type SQL } from 'drizzle-orm'
import { AppError } from '../http/errors.js'

export type CursorValue = string | number

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

/** Decodes a cursor made by `encodeCursor` with the given shape, or refuses it with a 400. */
export function decodeCursor<T extends CursorValue[]>(cursor: string | undefined, shape: ('string' | 'number')[]): T | undefined {
  if (cursor === undefined) return undefined
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (
      Array.isArray(values) &&
      values.length === shape.length &&
      values.every((v, i) => typeof v === shape[i] && (typeof v !== 'number' || Number.isSafeInteger(v)))
    ) {
      return values as T
    }
  } catch {
    // fall through
  }
  throw invalidCursor()
}

/** The one refusal for a cursor this server did not issue (or that does not decode to a valid key). */
export function invalidCursor(): AppError {
  return new AppError(400, 'invalid_cursor', 'The cursor is not one this server issued.', {
    errors: [{ field: 'cursor', message: 'is invalid' }],
  })
}

/**
 * Fetch `limit + 1` rows, then call this: it trims the extra row and builds the next cursor
 * from the last row kept.
 */
export function paginate<T>(rows: T[], limit: number, key: (row: T) => CursorValue[]) {
  const hasMore = rows.length > limit
  const items = hasMore ? rows.slice(0, limit) : rows
  const last = items[items.length - 1]
  return { items, nextCursor: hasMore && last !== undefined ? encodeCursor(key(last)) : null }
}

// ---- time keys: (created_at, id) ----

/** The to_char format of a time key: UTC with microseconds, e.g. 2024-01-31T23:59:59.123456Z. */
export const CURSOR_AT_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`

/** A timestamptz column (or expression) as the text of a time key. */
export const cursorAt = (column: AnyColumn | SQL): SQL<string> =>
  sql<string>`to_char(${column} AT TIME ZONE 'UTC', ${sql.raw(CURSOR_AT_FORMAT)})`

/** Stands for "before everything" on a first page, so page 1 and page N run the same SQL. */
export const FIRST_PAGE_AT = 'infinity'
export const FIRST_PAGE_ID = 2_147_483_647

const AT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/

export interface TimeKey {
  at: string
  id: number
}

/**
 * Decodes a cursor made from `[cursorAt, id]`. Anything PostgreSQL would refuse to cast is a 400 here,
 * never a 500 there.
 */
export function decodeTimeCursor(cursor: string | undefined): TimeKey | undefined {
  const values = decodeCursor<[string, number]>(cursor, ['string', 'number'])
  if (!values) return undefined
  return checkTimeKey(values[0], values[1])
}

/** A time key decoded from a longer cursor (e.g. `[rank, at, id]`), checked as `decodeTimeCursor` checks one. */
export function checkTimeKey(at: string, id: number): TimeKey {
  const m = AT_PATTERN.exec(at)
  if (!m || id < 1 || id > FIRST_PAGE_ID) throw invalidCursor()
  const parsed = new Date(`${at.slice(0, 19)}Z`)
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 19) !== at.slice(0, 19) || Number(m[1]) < 1) throw invalidCursor()
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
