// A responsive uPlot line chart of counts per UTC day. uPlot draws on canvas, so the numbers are
// also given as a table for screen readers, and the axis labels it drew are left on the chart's
// element (data-x-ticks, data-y-ticks) where tests and tools can read them.
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { useResolvedTheme } from '../../lib/theme'

export interface Series {
  label: string
  color: string
  values: number[]
}

interface Props {
  title: string
  /** The range shown on the time axis (UTC days, YYYY-MM-DD), whether or not every day has data. */
  from: string
  to: string
  /** UTC days with data, YYYY-MM-DD, oldest first */
  days: string[]
  series: Series[]
  height?: number
}

const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })
const DAY_S = 86_400
const seconds = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000
/** Time-axis steps: whole days, so a label is always a day (never an hour, never a half-day). */
const DAY_STEPS = [1, 2, 3, 7, 14, 28, 56, 91, 182, 364].map((d) => d * DAY_S)
/** Count-axis steps: whole numbers (there is no half of a person). */
const COUNT_STEPS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7].map((p) => m * p)).sort((a, b) => a - b)

/** "Nov 4"; the year is added under the first label and where it changes. */
function dayLabels(splits: number[]): string[] {
  let year = ''
  return splits.map((s) => {
    const d = new Date(s * 1000)
    const y = String(d.getUTCFullYear())
    const label = y === year ? dayFmt.format(d) : `${dayFmt.format(d)}\n${y}`
    year = y
    return label
  })
}

export function LineChart({ title, from, to, days, series, height = 260 }: Props) {
  const box = useRef<HTMLDivElement>(null)
  // Canvas takes no CSS variables: the axis colours are read from the theme's tokens and the chart
  // is drawn again when the theme changes.
  const theme = useResolvedTheme()

  useEffect(() => {
    const el = box.current
    if (!el || days.length === 0) return
    const css = getComputedStyle(document.documentElement)
    const axis = css.getPropertyValue('--chart-axis').trim() || '#5b6470'
    const grid = { stroke: css.getPropertyValue('--chart-grid').trim() || '#eef0f3' }
    const ticks = { stroke: css.getPropertyValue('--line').trim() || '#e4e6ea' }
    const xs = days.map(seconds)
    // The whole asked-for range, so one day of data sits at its date instead of being stretched
    // over an axis of its own; a one-day range gets half a day either side.
    const [lo, hi] = from < to ? [seconds(from), seconds(to)] : [seconds(from) - DAY_S / 2, seconds(from) + DAY_S / 2]
    const drawn = (key: 'xTicks' | 'yTicks', labels: string[]) => {
      el.dataset[key] = labels.map((l) => l.replace('\n', ' ')).join('|')
      return labels
    }
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: {
        x: { time: true, range: () => [lo, hi] },
        y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] },
      },
      axes: [
        {
          stroke: axis,
          grid,
          ticks,
          space: 64,
          incrs: DAY_STEPS,
          values: (_u, splits) => drawn('xTicks', dayLabels(splits)),
        },
        {
          stroke: axis,
          grid,
          ticks,
          size: 50,
          incrs: COUNT_STEPS,
          values: (_u, splits) =>
            drawn(
              'yTicks',
              splits.map((v) => v.toLocaleString()),
            ),
        },
      ],
      legend: { live: true },
      cursor: { points: { size: 7 } },
      series: [
        { value: (_u, v) => (v == null ? '' : dayFmt.format(new Date(v * 1000))) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2.25,
          fill: `${s.color}14`,
          points: { show: days.length <= 45, size: days.length === 1 ? 8 : 5 },
        })),
      ],
    }
    const plot = new uPlot(opts, [xs, ...series.map((s) => s.values)], el)
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height }))
    ro.observe(el)
    return () => {
      ro.disconnect()
      plot.destroy()
    }
  }, [from, to, days, series, height, theme])

  return (
    <figure className="card chart" style={{ margin: '0 0 16px' }}>
      <figcaption>
        <h3>{title}</h3>
      </figcaption>
      <div ref={box} role="img" aria-label={`${title}: line chart of ${series.map((s) => s.label).join(', ')} from ${from} to ${to}`} />
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {series.map((s) => (
              <th key={s.label} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((d, i) => (
            <tr key={d}>
              <th scope="row">{d}</th>
              {series.map((s) => (
                <td key={s.label}>{s.values[i]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
