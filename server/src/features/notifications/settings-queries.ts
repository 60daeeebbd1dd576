// notification_settings: a row only for users who changed something, holding only the values that
// differ from DEFAULT_SETTINGS (settings.ts).
import { eq, sql } from 'drizzle-orm'
import { notificationSettings } from '../../db/schema.js'
import type { DbOrTx, Tx } from '../../platform/db/index.js'
import { queryRows } from '../../platform/db/rows.js'
import { CHANNELS, DEFAULT_SETTINGS, NOTIFICATION_TYPES, type Channel, type Overrides } from './settings.js'

export async function findOverrides(db: DbOrTx, userId: number): Promise<Overrides | undefined> {
  const [row] = await db
    .select({ overrides: notificationSettings.overrides })
    .from(notificationSettings)
    .where(eq(notificationSettings.userId, userId))
  return row?.overrides
}

/**
 * Locks the user's settings row for the rest of `tx`, creating an empty one first, so two changes
 * at once apply one after the other instead of the second undoing the first. Returns the stored
 * overrides, or null when the user does not exist (any more).
 */
export async function lockOverrides(tx: Tx, userId: number): Promise<Overrides | null> {
  await tx.execute(sql`
    INSERT INTO notification_settings (user_id) SELECT id FROM users WHERE id = ${userId}
    ON CONFLICT (user_id) DO NOTHING`)
  const rows = await queryRows<{ overrides: Overrides }>(
    tx,
    sql`SELECT overrides FROM notification_settings WHERE user_id = ${userId} FOR UPDATE`,
  )
  return rows[0]?.overrides ?? null
}

/** Stores the overrides; a user back on every default keeps no row. */
export async function saveOverrides(tx: Tx, userId: number, overrides: Overrides): Promise<void> {
  if (Object.keys(overrides).length === 0) {
    await tx.delete(notificationSettings).where(eq(notificationSettings.userId, userId))
    return
  }
  await tx
    .update(notificationSettings)
    .set({ overrides: overrides as Record<string, Record<string, boolean>>, updatedAt: sql`now()` })
    .where(eq(notificationSettings.userId, userId))
}

const CHANNEL_SET = new Set<string>(CHANNELS)

/**
 * SQL (a boolean) for "this notification goes out on `channel`", for queries that join
 * notification_settings as `settings` (LEFT JOIN, on the receiver) and name the notification's type
 * `type`: the stored value, else the default. Only constants of settings.ts are written into it.
 */
export function channelOnSql(settings: string, type: string, channel: Channel): string {
  if (!CHANNEL_SET.has(channel)) throw new Error(`unknown channel ${channel}`)
  const defaults = NOTIFICATION_TYPES.map((t) => `WHEN '${t}' THEN ${DEFAULT_SETTINGS[t][channel]}`).join(' ')
  return `coalesce((${settings}.overrides -> (${type})::text ->> '${channel}')::boolean, CASE (${type})::text ${defaults} ELSE false END)`
}
