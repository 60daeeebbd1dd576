import type { Db, Tx } from './types.js'

export type AfterCommit = (fn: () => void | Promise<void>) => void

/**
 * Runs `fn` in a transaction and, only once it has committed, the callbacks it queued with
 * `afterCommit` (e.g. pushing events to the realtime stream). A rolled-back transaction runs
 * none of them. Callback failures are reported to `onError`, never to the caller.
 */
export async function inTransaction<T>(
  db: Db,
  fn: (tx: Tx, afterCommit: AfterCommit) => Promise<T>,
  onError: (err: unknown) => void = () => {},
): Promise<T> {
  const queued: (() => void | Promise<void>)[] = []
  const result = await db.transaction((tx) => fn(tx, (cb) => queued.push(cb)))
  for (const cb of queued) {
    try {
      await cb()
    } catch (err) {
      onError(err)
    }
  }
  return result
}
