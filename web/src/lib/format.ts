// Words and numbers as people read them.
const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' })
const dateFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })
const dateYearFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' })
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })

/** "now", "5m", "3h", "2d", then a date. */
export function timeAgo(iso: string, now = Date.now()): string {
  const t = new Date(iso).getTime()
  const s = Math.round((now - t) / 1000)
  if (s < 45) return 'now'
  if (s < 3600) return `${Math.round(s / 60)}m`
  if (s < 86_400) return `${Math.round(s / 3600)}h`
  if (s < 7 * 86_400) return `${Math.round(s / 86_400)}d`
  const d = new Date(t)
  return (d.getFullYear() === new Date(now).getFullYear() ? dateFmt : dateYearFmt).format(d)
}

export function relative(iso: string): string {
  const s = Math.round((new Date(iso).getTime() - Date.now()) / 1000)
  const abs = Math.abs(s)
  if (abs < 60) return rtf.format(Math.round(s), 'second')
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute')
  if (abs < 86_400) return rtf.format(Math.round(s / 3600), 'hour')
  return rtf.format(Math.round(s / 86_400), 'day')
}

export const fullDate = (iso: string) => fullFmt.format(new Date(iso))
export const clockTime = (iso: string) => timeFmt.format(new Date(iso))

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 })
export const count = (n: number) => (n < 10_000 ? n.toLocaleString() : compact.format(n))

export const plural = (n: number, one: string, many = one + 's') => `${count(n)} ${n === 1 ? one : many}`

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
