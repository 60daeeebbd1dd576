// CPU time spent by the server process and by PostgreSQL during a measurement, from /proc, so a
// result can say where a request's time goes. PostgreSQL's share counts every backend of the
// cluster (and the exited ones, through the postmaster's children times): on a shared machine it
// includes other people's queries, so read it only from a quiet run.
import { readdirSync, readFileSync } from 'node:fs'

function stat(pid: string): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  } catch {
    return undefined
  }
}

/** utime + stime (+ reaped children's when `children`), in clock ticks (10 ms) */
function ticks(pid: string, children: boolean): number {
  const f = stat(pid)
  if (!f) return 0
  return Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0)
}

function postgresTicks(): number {
  let total = 0
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    let comm: string
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
    } catch {
      continue
    }
    if (comm === 'postgres') total += ticks(pid, true)
  }
  return total
}

export interface CpuSnapshot {
  server: number
  postgres: number
}

export function cpuSnapshot(serverPid: number): CpuSnapshot {
  return { server: ticks(String(serverPid), false), postgres: postgresTicks() }
}

/** milliseconds of CPU per request between two snapshots */
export function cpuPerRequest(a: CpuSnapshot, b: CpuSnapshot, requests: number) {
  const ms = (t: number) => Math.round(((t * 10) / Math.max(1, requests)) * 100) / 100
  return { server: ms(b.server - a.server), postgres: ms(b.postgres - a.postgres) }
}
