// A responsive uPlot line chart. uPlot draws on canvas, so the numbers are also given as a
// table for screen readers.
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface Series {
  label: string
  color: string
  values: number[]
}

interface Props {
  title: string
  /** UTC days, YYYY-MM-DD */
  days: string[]
  series: Series[]
  height?: number
}

const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })

export function LineChart({ title, days, series, height = 260 }: Props) {
  const box = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const el = box.current
    if (!el || days.length === 0) return
    const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000)
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] } },
      axes: [
        { stroke: '#8a929c', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e4e6ea' } },
        { stroke: '#8a929c', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e4e6ea' }, size: 50 },
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
          points: { show: days.length <= 45, size: 5 },
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
  }, [days, series, height])

  return (
    <figure className="card chart" style={{ margin: '0 0 16px' }}>
      <figcaption>
        <h3>{title}</h3>
      </figcaption>
      <div
        ref={box}
        role="img"
        aria-label={`${title}: line chart of ${series.map((s) => s.label).join(', ')} from ${days[0]} to ${days[days.length - 1]}`}
      />
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
