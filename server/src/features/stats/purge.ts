// Account deletion's part in stats (features/deletion calls it): the days the account was active.
// The daily totals already computed (app_statistics) name nobody and stay.
import { eq } from 'drizzle-orm'
import { userDailyActivity } from '../../db/schema.js'
import { deleteSome } from '../../platform/db/batch-delete.js'
import type { Db } from '../../platform/db/index.js'

export const purgeActivityOf = (db: Db, userId: number, batch: number) =>
  deleteSome(db, userDailyActivity, eq(userDailyActivity.userId, userId), batch)
