// Every PostgreSQL advisory lock id this app takes, in one place, so no two uses share an id by
// accident. Any constants work; each must be the same in every instance of the app.
export const ADVISORY_LOCKS = {
  /** platform/db: one instance migrates, the others wait */
  migrations: 727_001,
  /** features/stats: writers of app_statistics serialise (a transaction lock) */
  statistics: 727_002,
  /** features/media: one instance runs the maintenance job, the others skip their turn */
  mediaMaintenance: 727_003,
  /** features/deletion: one instance purges deleted accounts at a time */
  accountPurge: 727_004,
} as const

export type AdvisoryLock = keyof typeof ADVISORY_LOCKS
