// Account deletion's part in auth (features/deletion calls it): sessions (their rotated tokens
// follow by cascade) and mailed tokens. The sessions ended when the deletion was asked for.
import { eq } from 'drizzle-orm'
import { emailTokens, userSessions } from '../../db/schema.js'
import { deleteSome } from '../../platform/db/batch-delete.js'
import type { Db } from '../../platform/db/index.js'

export async function purgeSessionsOf(db: Db, userId: number, batch: number): Promise<number> {
  return (
    (await deleteSome(db, userSessions, eq(userSessions.userId, userId), batch)) +
    (await deleteSome(db, emailTokens, eq(emailTokens.userId, userId), batch))
  )
}
