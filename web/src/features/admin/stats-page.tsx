// Statistics over a chosen range of days: headline numbers, then charts of activity and growth.
import { useMemo, useState } from 'react'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { count } from '../../lib/format'
import { useQuery } from '../../lib/use-query'
import { Button, Field } from '../../ui/controls'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { LineChart, type Series } from './line-chart'

const DAY = 86_400_000
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)
const today = () => iso(Date.now())
/** "+2", or "−1" when deletions outweigh what was added. */
const growth = (n: number) => (n < 0 ? `−${count(-n)}` : `+${count(n)}`)
const presets = [
  [7, 'Last 7 days'],
  [30, 'Last 30 days'],
  [90, 'Last 90 days'],
  [365, 'Last year'],
] as const

export function StatsPage() {
  const [range, setRange] = useState(() => ({ from: iso(Date.now() - 29 * DAY), to: today() }))
  const [draft, setDraft] = useState(range)
  const stats = useQuery(`admin:stats:${range.from}:${range.to}`, () =>
    call(api.GET('/api/hearth/v1/admin/stats', { params: { query: { from: range.from, to: range.to } } })),
  )

  const items = useMemo(() => stats.data?.items ?? [], [stats.data])
  const days = useMemo(() => items.map((d) => d.date), [items])
  const people: Series[] = useMemo(
    () => [
      { label: 'Active people', color: '#0a7cff', values: items.map((d) => d.activeUsers) },
      { label: 'New accounts', color: '#dd2a7b', values: items.map((d) => d.newUsers) },
    ],
    [items],
  )
  const content: Series[] = useMemo(
    () => [
      { label: 'Posts', color: '#8134af', values: items.map((d) => d.totalPosts) },
      { label: 'Comments', color: '#f58529', values: items.map((d) => d.totalComments) },
      { label: 'Messages', color: '#1f9d8b', values: items.map((d) => d.totalMessages) },
    ],
    [items],
  )
  const likes: Series[] = useMemo(() => [{ label: 'Likes', color: '#ff3040', values: items.map((d) => d.totalLikes) }], [items])

  const last = items[items.length - 1]
  // Growth within the range: from the totals at the end of the day before it (the first day's
  // own total would leave out what that day added).
  const before = stats.data?.before
  const delta = (k: 'totalPosts' | 'totalLikes' | 'totalComments' | 'totalMessages') => (last && before ? last[k] - before[k] : 0)
  const shown = { from: stats.data?.from ?? range.from, to: stats.data?.to ?? range.to }
  const invalid = draft.from > draft.to || (Date.parse(draft.to) - Date.parse(draft.from)) / DAY > 365

  return (
    <>
      <form
        className="range pad-phone"
        onSubmit={(e) => {
          e.preventDefault()
          if (!invalid) setRange(draft)
        }}
      >
        <Field label="From" type="date" value={draft.from} max={draft.to} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        <Field
          label="To"
          type="date"
          value={draft.to}
          min={draft.from}
          max={today()}
          onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          error={invalid ? 'Pick at most a year, ending after it starts.' : undefined}
        />
        <Button type="submit" disabled={invalid || (draft.from === range.from && draft.to === range.to)}>
          Show
        </Button>
        <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap' }}>
          {presets.map(([n, label]) => (
            <button
              key={n}
              type="button"
              className="pill"
              onClick={() => {
                const r = { from: iso(Date.now() - (n - 1) * DAY), to: today() }
                setDraft(r)
                setRange(r)
              }}
            >
              {label}
            </button>
          ))}
        </div>
      </form>
      {!stats.data ? (
        stats.error ? (
          <ErrorState error={stats.error} retry={() => void stats.reload()} />
        ) : (
          <Loading label="Loading statistics" />
        )
      ) : items.length === 0 ? (
        <Empty title="No statistics for these days">
          <p>Statistics start on the day the first account was created.</p>
        </Empty>
      ) : (
        <>
          <div className="stats-grid pad-phone">
            <div className="card stat">
              <div className="stat__label">Active today</div>
              <div className="stat__value">{count(last?.activeUsers ?? 0)}</div>
            </div>
            <div className="card stat">
              <div className="stat__label">New accounts in range</div>
              <div className="stat__value">{count(items.reduce((s, d) => s + d.newUsers, 0))}</div>
            </div>
            <div className="card stat">
              <div className="stat__label">Posts ({growth(delta('totalPosts'))})</div>
              <div className="stat__value">{count(last?.totalPosts ?? 0)}</div>
            </div>
            <div className="card stat">
              <div className="stat__label">Likes ({growth(delta('totalLikes'))})</div>
              <div className="stat__value">{count(last?.totalLikes ?? 0)}</div>
            </div>
            <div className="card stat">
              <div className="stat__label">Comments ({growth(delta('totalComments'))})</div>
              <div className="stat__value">{count(last?.totalComments ?? 0)}</div>
            </div>
            <div className="card stat">
              <div className="stat__label">Messages ({growth(delta('totalMessages'))})</div>
              <div className="stat__value">{count(last?.totalMessages ?? 0)}</div>
            </div>
          </div>
          <LineChart title="People per day" {...shown} days={days} series={people} />
          <LineChart title="Posts, comments and messages (running totals)" {...shown} days={days} series={content} />
          <LineChart title="Likes (running total)" {...shown} days={days} series={likes} height={200} />
        </>
      )}
    </>
  )
}
