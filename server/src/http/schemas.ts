import { Type, type TSchema } from '@fastify/type-provider-typebox'

/** Integer ids as in the schema: PostgreSQL `integer`, so anything above 2^31-1 is refused up front. */
export const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })
export const IdParams = Type.Object({ id: Id })

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable machine-readable error code.' }),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    cancelToken: Type.Optional(
      Type.String({
        description:
          'With `account_pending_deletion`: a short-lived token for POST /users/me/deletion/cancel, the one thing such an account may do.',
      }),
    ),
    deletionScheduledFor: Type.Optional(
      Type.String({ format: 'date-time', description: 'With `account_pending_deletion`: when the account will be purged.' }),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details.' },
)

export const Timestamp = Type.String({ format: 'date-time' })
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])

/** Standard error responses for the OpenAPI document. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref('Problem')]))
}

export const bearer = [{ bearerAuth: [] }]
