// Account deletion's part in oauth (features/deletion calls it): the linked Google/GitHub identities,
// so the same identity can sign up again once the account is gone.
import { eq } from 'drizzle-orm'
import { oauthProviders } from '../../db/schema.js'
import { deleteSome } from '../../platform/db/batch-delete.js'
import type { Db } from '../../platform/db/index.js'

export const purgeLinksOf = (db: Db, userId: number, batch: number) =>
  deleteSome(db, oauthProviders, eq(oauthProviders.userId, userId), batch)
