// The email outbox lives on the notifications rows themselves: is_email_sent, email_attempts,
// email_next_attempt_at (due time, then lease, then retry time) and email_last_error.
import { and, eq, inArray, sql } from 'drizzle-orm'
import { notifications } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import { notBlockedEitherWaySql } from '../visibility/index.js'
import type { NotificationType } from './notify.js'
import { channelOnSql } from './settings-queries.js'

export interface ClaimedEmail {
  id: number
  userId: number
  type: NotificationType
  message: string
  createdAt: Date
  /** counting this claim; identifies it when the row is settled (a later claim increments it) */
  attempts: number
  email: string
  username: string
  /** the user wants emails, and emails of this type (notification settings) */
  wantsEmail: boolean
}

/** The receiver's setting for the notification's type (joined as `s`), else the default. */
const EMAIL_ON = channelOnSql('s', 'n.type', 'email')

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows

/**
 * Claims up to `batch` due notifications in one short statement: rows another worker holds are
 * skipped (SKIP LOCKED), and each claimed row's next attempt moves `leaseSeconds` ahead, so no
 * other worker takes it meanwhile and a worker killed mid-batch only delays it until the lease
 * runs out. A notification is due once unread for `delaySeconds`, or when its retry time comes.
 */
export async function claimDueEmails(
  db: DbOrTx,
  opts: { delaySeconds: number; leaseSeconds: number; batch: number },
): Promise<ClaimedEmail[]> {
  const result = await db.execute(sql`
    UPDATE notifications AS n
    SET email_next_attempt_at = now() + make_interval(secs => ${opts.leaseSeconds}),
        email_attempts = n.email_attempts + 1
    FROM (
      SELECT id FROM notifications
      WHERE NOT is_email_sent AND NOT is_read
        AND (email_next_attempt_at <= now()
             OR (email_next_attempt_at IS NULL AND created_at <= now() - make_interval(secs => ${opts.delaySeconds})))
      ORDER BY id
      LIMIT ${opts.batch}
      FOR UPDATE SKIP LOCKED
    ) AS due, users AS u LEFT JOIN notification_settings AS s ON s.user_id = u.id
    WHERE n.id = due.id AND u.id = n.user_id
    RETURNING n.id, n.user_id, n.type, n.message, n.created_at, n.email_attempts, u.email, u.username,
              (u.email_notifications AND NOT u.is_blocked AND ${sql.raw(EMAIL_ON)}) AS wants_email
  `)
  return (
    rowsOf<{
      id: number
      user_id: number
      type: NotificationType
      message: string
      created_at: Date | string
      email_attempts: number
      email: string
      username: string
      wants_email: boolean
    }>(result)
      .map((r) => ({
        id: Number(r.id),
        userId: Number(r.user_id),
        type: r.type,
        message: r.message,
        createdAt: new Date(r.created_at),
        attempts: Number(r.email_attempts),
        email: r.email,
        username: r.username,
        wantsEmail: Boolean(r.wants_email),
      }))
      // RETURNING follows the plan, not the subquery's ORDER BY: oldest first, so users are served in turn
      .sort((a, b) => a.id - b.id)
  )
}

/**
 * Of one user's claimed rows, those to put in the email now, read again just before it is sent:
 * still there (a block deletes the notifications between the two people), still unread, still
 * under this claim, the user still wanting emails (of this type), and from an actor the user may see (not
 * suspended, no block either way: the notification list's rule).
 */
export async function stillDue<T extends Pick<ClaimedEmail, 'id' | 'attempts'>>(db: DbOrTx, claimed: T[]): Promise<T[]> {
  if (claimed.length === 0) return []
  const rows = await queryRows<{ id: number; email_attempts: number }>(
    db,
    sql`
    SELECT n.id, n.email_attempts
    FROM notifications n
    JOIN users r ON r.id = n.user_id
    LEFT JOIN users a ON a.id = n.related_user_id
    LEFT JOIN notification_settings s ON s.user_id = n.user_id
    WHERE n.id IN ${claimed.map((c) => c.id)} AND NOT n.is_read AND NOT n.is_email_sent
      AND r.email_notifications AND NOT r.is_blocked AND ${sql.raw(EMAIL_ON)}
      AND coalesce(NOT a.is_blocked, true)
      AND ${sql.raw(notBlockedEitherWaySql('n.user_id', 'n.related_user_id'))}`,
  )
  const current = new Map(rows.map((r) => [Number(r.id), Number(r.email_attempts)]))
  return claimed.filter((c) => current.get(c.id) === c.attempts)
}

/** Settles claimed rows, touching only those still under this claim (same attempt count). */
async function settle(db: DbOrTx, claimed: Pick<ClaimedEmail, 'id' | 'attempts'>[], set: Partial<typeof notifications.$inferInsert>) {
  const byAttempt = new Map<number, number[]>()
  for (const c of claimed) byAttempt.set(c.attempts, [...(byAttempt.get(c.attempts) ?? []), c.id])
  for (const [attempts, ids] of byAttempt) {
    await db
      .update(notifications)
      .set(set)
      .where(and(inArray(notifications.id, ids), eq(notifications.emailAttempts, attempts)))
  }
}

export const markEmailSent = (db: DbOrTx, claimed: Pick<ClaimedEmail, 'id' | 'attempts'>[]) =>
  settle(db, claimed, { isEmailSent: true, emailLastError: null })

export const scheduleRetry = (db: DbOrTx, claimed: Pick<ClaimedEmail, 'id' | 'attempts'>[], inSeconds: number, error: string) =>
  settle(db, claimed, {
    emailNextAttemptAt: sql`now() + make_interval(secs => ${inSeconds})` as unknown as Date,
    emailLastError: error.slice(0, 500),
  })

/** Never to be emailed (the user turned emails, or this type's emails, off, is blocked, or every attempt failed). */
export const retireEmail = (db: DbOrTx, claimed: Pick<ClaimedEmail, 'id' | 'attempts'>[], error: string | null) =>
  settle(db, claimed, {
    emailNextAttemptAt: sql`'infinity'::timestamptz` as unknown as Date,
    ...(error === null ? {} : { emailLastError: error.slice(0, 500) }),
  })
