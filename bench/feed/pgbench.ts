// The direct-SQL reference: a statement run by pgbench, with the server's exact text and
// parameters, so the feed's cost in the server can be read as a ratio of what the database alone
// does. The text's $n placeholders become pgbench variables, bound as parameters: `prepared` mode
// is a named statement parsed once per connection (as the server's prepared statements are),
// `extended` an unnamed one parsed and planned on every call (as a plain parameterised query).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Measured } from '../lib.js'

export interface PgbenchCase {
  name: string
  text: string
  /** one parameter list per script (e.g. per viewer); pgbench picks a script at random per transaction */
  params: (readonly unknown[])[]
}

/**
 * pgbench reads `:name` as a variable wherever it appears, quotes included, so the server's text is
 * made safe here rather than written around pgbench: in to_char formats `HH24:MI:SS` becomes
 * `HH24":"MI":"SS` (the same output), and a time inlined as a literal goes in ISO 8601 basic
 * format (`2024-01-31T23:59:59.123456Z` → `20240131T235959.123456Z`, the same instant).
 */
function pgbenchSafe(text: string): string {
  return text.replace(/HH24:MI:SS/g, 'HH24":"MI":"SS')
}
const basicTime = (v: string) => v.replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+Z)$/, '$1$2$3T$4$5$6$7')

/**
 * Numbers become `\set` variables. A string the same in every list goes in as a bound parameter
 * too (pgbench -D); one that varies (a cursor) is inlined as a literal in that script, since
 * pgbench variables cannot hold strings.
 */
export function scripts(c: PgbenchCase): { files: string[]; defines: Record<string, string> } {
  const defines: Record<string, string> = {}
  const width = c.params[0]!.length
  const shared = (i: number) => c.params.every((p) => p[i] === c.params[0]![i])
  const files = c.params.map((p) => {
    if (p.length !== width) throw new Error('every parameter list must have the same length')
    const sets: string[] = []
    const text = pgbenchSafe(c.text).replace(/\$(\d+)/g, (_, n: string) => {
      const i = Number(n) - 1
      const v = p[i]
      if (typeof v === 'number') {
        sets.push(`\\set p${n} ${v}`)
        return `:p${n}`
      }
      if (shared(i)) {
        defines[`p${n}`] = String(v)
        return `:p${n}`
      }
      return `'${basicTime(String(v)).replace(/'/g, "''")}'`
    })
    if (/(?<!:):[a-zA-Z0-9_]/.test(text.replace(/:p\d+/g, ''))) {
      throw new Error('the statement holds a ":name" sequence that pgbench would take for a variable')
    }
    return `${[...new Set(sets)].join('\n')}\n${text.replace(/\s*\n\s*/g, ' ')};\n`
  })
  return { files, defines }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0

export function pgbench(
  url: string,
  c: PgbenchCase,
  opts: { seconds: number; clients?: number; mode?: 'prepared' | 'extended' },
): Measured & { command: string } {
  const mode = opts.mode ?? 'prepared'
  const dir = mkdtempSync(join(tmpdir(), 'hearth-pgbench-'))
  try {
    const { files, defines } = scripts(c)
    const args = [
      '-n',
      '-M',
      mode,
      '-c',
      String(opts.clients ?? 10),
      '-j',
      '2',
      '-T',
      String(opts.seconds),
      '-l',
      '--log-prefix',
      join(dir, 'log'),
    ]
    files.forEach((text, i) => {
      const f = join(dir, `s${i}.sql`)
      writeFileSync(f, text)
      args.push('-f', `${f}@1`)
    })
    for (const [k, v] of Object.entries(defines)) args.push('-D', `${k}=${v}`)
    const u = new URL(url)
    args.push('-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), u.pathname.slice(1))
    const out = execFileSync('pgbench', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? NaN)
    const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0)
    const latencies: number[] = []
    for (const f of readdirSync(dir).filter((n) => n.startsWith('log'))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const us = Number(line.split(' ')[2])
        if (line && Number.isFinite(us)) latencies.push(us / 1000)
      }
    }
    latencies.sort((a, b) => a - b)
    const round = (ms: number) => Math.round(ms * 100) / 100
    const command = `pgbench -n -M ${mode} -c ${opts.clients ?? 10} -j 2 -T ${opts.seconds} ${files.length > 1 ? `-f s{0..${files.length - 1}}.sql@1` : '-f s0.sql'}${Object.keys(
      defines,
    )
      .map((k) => ` -D ${k}=…`)
      .join('')}`
    return {
      name: c.name,
      reqPerSec: Math.round(tps),
      p50: round(percentile(latencies, 0.5)),
      p99: round(percentile(latencies, 0.99)),
      non2xx: 0,
      errors: failed,
      command,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
