// Account deletion's part in reports (features/deletion calls it): the reports the account filed
// go; reports about it (its profile, posts or comments) stay for the moderators, with the snapshot
// they already see (posts and comments a report names are kept as deleted content by the purge).
import { eq } from 'drizzle-orm'
import { reports } from '../../db/schema.js'
import { deleteSome } from '../../platform/db/batch-delete.js'
import type { Db } from '../../platform/db/index.js'

export const purgeReportsFiledBy = (db: Db, userId: number, batch: number) => deleteSome(db, reports, eq(reports.reporterId, userId), batch)
