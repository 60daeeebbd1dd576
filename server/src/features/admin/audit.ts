// Every admin action leaves two traces: a row in admin_audit_log, written in the action's own
// transaction (the log never claims what rolled back nor misses what committed), and a
// structured line on the 'admin' logger once the transaction has committed.
import { decodeCursor, paginate } from '../../lib/keyset.js'
import type { Logger } from '../../logger.js'
import type { AfterCommit } from '../../platform/db/transaction.js'
import type { DbOrTx, Tx } from '../../platform/db/types.js'
import { insertAuditEntry, listAudit, userRefsByIds, type AuditEntry, type AuditTargetType } from './queries.js'
import { presentAuditEntry } from './views.js'

export type { AuditEntry }

export async function recordAdminAction(log: Logger, tx: Tx, afterCommit: AfterCommit, entry: AuditEntry): Promise<void> {
  const row = await insertAuditEntry(tx, entry)
  afterCommit(() =>
    log.info(
      {
        auditId: row.id,
        actorId: entry.actorId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        details: entry.details,
        at: row.createdAt.toISOString(),
      },
      `admin ${entry.actorId} ${entry.action} ${entry.targetType} ${entry.targetId}`,
    ),
  )
}

/** The audit log, newest first, each entry with its actor. */
export async function listAuditEntries(
  db: DbOrTx,
  f: { actorId?: number; targetType?: AuditTargetType; targetId?: number; cursor?: string; limit: number },
) {
  const before = decodeCursor<[number]>(f.cursor, ['number'])
  const rows = await listAudit(db, { ...f, beforeId: before?.[0] })
  const page = paginate(rows, f.limit, (r) => [r.id])
  const actors = new Map(
    (
      await userRefsByIds(
        db,
        page.items.map((r) => r.actorId),
      )
    ).map((u) => [u.id, u]),
  )
  return { items: page.items.map((e) => presentAuditEntry(e, actors)), nextCursor: page.nextCursor }
}
