// Named loggers per subsystem, declared in one place. Fastify owns the root pino logger; the
// subsystems below get children of it so every line says where it came from.
//
// What never reaches a log line (one rule, here and in http/request-log.ts): credentials in
// headers, passwords and tokens in objects, request bodies (never logged at all), query-string
// values other than a few known-harmless ones (URLs are redacted before they are logged), and the
// parameters of a failed SQL statement (user content; an error keeps its SQL text only).
import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger }

/**
 * Standard output, without ever blocking. pino's default destination writes synchronously, and
 * flushes synchronously at exit: with stdout on a pipe nobody reads, a write that cannot finish
 * retries for ever and the process can neither serve nor exit. Node's own stdout stream queues a
 * write the pipe cannot take and never blocks the thread; past MAX_QUEUED bytes lines are dropped
 * (a reader that stopped reading loses lines, the server keeps working), and what is queued at
 * exit is lost rather than waited for.
 */
const MAX_QUEUED = 8 * 1024 * 1024

export function stdoutDestination(out: NodeJS.WriteStream = process.stdout): DestinationStream & { dropped: number } {
  out.on('error', () => {}) // EPIPE: the reader went away; nothing to do about it
  return {
    dropped: 0,
    write(line: string) {
      if (out.writableLength > MAX_QUEUED) this.dropped++
      else out.write(line)
    },
  }
}

const sqlParams = /\nparams: [\s\S]*$/

/** The parameters of failed queries in an error's chain (Drizzle's DrizzleQueryError carries them). */
function queryParams(err: unknown): string[] {
  const found: string[] = []
  let cur = err as { params?: unknown; cause?: unknown } | undefined
  for (let depth = 0; cur && typeof cur === 'object' && depth < 4; depth++, cur = cur.cause as typeof cur) {
    if (Array.isArray(cur.params))
      for (const p of cur.params) if (p !== null && p !== undefined && String(p).length > 0) found.push(String(p))
  }
  return found
}

/**
 * pino's error serializer, minus the user's data a failed query carries: the parameter list in
 * Drizzle's message, and the values themselves wherever the driver quotes them ("invalid input
 * syntax for type integer: "…"", "Key (email)=(…) already exists").
 */
function serializeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>
  const values = queryParams(err).sort((a, b) => b.length - a.length)
  const withoutValues = (text: string) => values.reduce((t, v) => t.split(v).join('[redacted]'), text)
  const scrub = (e: Record<string, unknown>, depth: number) => {
    if (typeof e.message === 'string') {
      const original = e.message
      const cleaned = withoutValues(original.replace(sqlParams, '\nparams: [redacted]'))
      e.message = cleaned
      if (typeof e.stack === 'string') e.stack = withoutValues(e.stack.replace(original, cleaned))
    }
    delete e.params
    delete e.parameters
    delete e.detail // PostgreSQL's "Key (email)=(…) already exists."
    delete e.where
    if (depth < 3 && e.cause && typeof e.cause === 'object') scrub(e.cause as Record<string, unknown>, depth + 1)
  }
  if (out && typeof out === 'object') scrub(out, 0)
  return out
}

export function createRootLogger(level: string, destination: DestinationStream = stdoutDestination()): Logger {
  return pino(
    {
      level,
      base: { service: 'hearth' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken', '*.token', '*.accessToken'],
        remove: true,
      },
    },
    destination,
  )
}

export const subsystems = ['db', 'cache', 'auth', 'admin', 'jobs', 'mail', 'storage', 'stream', 'http', 'deletion'] as const
export type Subsystem = (typeof subsystems)[number]

export function subsystemLogger(root: Logger, name: Subsystem): Logger {
  return root.child({ subsystem: name })
}
