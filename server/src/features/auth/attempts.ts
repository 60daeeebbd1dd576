// Password attempts per account. Each attempt is counted before the password is verified, by one
// atomic increment in the shared cache (Redis INCR, or the in-process map), so attempts made at
// the same moment cannot all read "no failures yet" and all go on to be verified. An attempt with
// the right password hands its place back: only failures use up the allowance.
import { rateLimited } from '../../http/errors.js'
import type { Cache } from '../../platform/cache/types.js'

/** Failed password attempts an account allows per rate-limit window. */
export const ACCOUNT_FAILURES_MAX = 10

export interface Attempt {
  /** The password was right: the attempt does not count. */
  succeeded(): Promise<void>
}

/** Counts an attempt under `key`, or refuses it with 429 once the window's allowance is used up. */
export async function reserveAttempt(cache: Cache, key: string, windowSeconds: number): Promise<Attempt> {
  const { count, resetInSeconds } = await cache.hit(key, windowSeconds)
  if (count > ACCOUNT_FAILURES_MAX) throw rateLimited(resetInSeconds)
  return { succeeded: () => cache.decrement(key) }
}
