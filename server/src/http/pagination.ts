// The request and response schemas of every paginated list. The cursors themselves are made and
// read by one helper outside HTTP: lib/keyset.ts.
import { Type, type TSchema } from '@fastify/type-provider-typebox'

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page (1..100).' }),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'Opaque cursor from a previous page.' })),
}

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) })
