// Keyset pagination through one helper: opaque cursors that encode the sort key of the last
// item of a page. Never OFFSET.
import { Type } from '@fastify/type-provider-typebox'
import { AppError } from './errors.js'

export type CursorValue = string | number

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page (1..100).' }),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'Opaque cursor from a previous page.' })),
}

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

export const Page = <T extends import('@fastify/type-provider-typebox').TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) })
