// Calendar days as 'YYYY-MM-DD' strings, always in UTC: one instance's notion of "yesterday"
// must be every instance's, whatever time zone its host is in.

const DAY_MS = 86_400_000

export const DAY_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$'

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10)
}

/** The day, if `s` names a real calendar day ('2024-02-30' does not). */
export function parseDay(s: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && utcDay(d) === s ? s : undefined
}

export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS))
}

/** Days from `from` to `to`, both included (0 when to < from). */
export function dayCount(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1)
}

/** Milliseconds from `now` until the next UTC midnight plus `offsetMs`. */
export function msUntilNextDay(now: Date, offsetMs: number): number {
  const next = Date.parse(`${addDays(utcDay(now), 1)}T00:00:00Z`) + offsetMs
  return Math.max(0, next - now.getTime())
}
