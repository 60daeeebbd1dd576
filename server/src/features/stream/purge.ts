// Account deletion's part in the stream (features/deletion calls it): the account's own event log.
import { eq } from 'drizzle-orm'
import { streamEvents } from '../../db/schema.js'
import { deleteSome } from '../../platform/db/batch-delete.js'
import type { Db } from '../../platform/db/index.js'

export const purgeEventsOf = (db: Db, userId: number, batch: number) => deleteSome(db, streamEvents, eq(streamEvents.userId, userId), batch)
